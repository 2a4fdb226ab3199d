using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace DomainAssistant.Feedback.Bus;

/// <summary>
/// The message bus (configuration section <c>Bus</c>, keys in docs/configuration.md). Validates itself: an
/// unknown transport, an out-of-range port or a typo in a key name stops the host with a message naming the key.
/// </summary>
public sealed partial class BusOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Bus";

    /// <summary>"InMemory" (default, one process) or "RabbitMq".</summary>
    public string Transport { get; set; } = nameof(BusTransport.InMemory);

    public RabbitMqOptions RabbitMq { get; set; } = new();

    /// <summary>The queue feedback is filed from. Default "feedback-submitted".</summary>
    public string FeedbackQueue { get; set; } = "feedback-submitted";

    /// <summary>Feedback messages filed at once per process. Default 8.</summary>
    public int FeedbackConcurrency { get; set; } = 8;

    public FeedbackOutboxOptions Outbox { get; set; } = new();

    /// <summary>The transport <see cref="Transport"/> names (call <see cref="Validate"/> first).</summary>
    public BusTransport TransportKind => ParseTransport(Transport)
        ?? throw new InvalidOperationException($"Bus:Transport must be \"InMemory\" or \"RabbitMq\" (got \"{Transport}\").");

    /// <summary>Binds section <c>Bus</c> (missing keys keep their defaults) and validates it.</summary>
    /// <exception cref="InvalidOperationException">A key is unknown, unparsable or out of range.</exception>
    public static BusOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new BusOptions();
        configuration.GetSection(Section).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        options.Validate();
        return options;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> listing every problem, naming each key.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        var transport = ParseTransport(Transport);
        if (transport is null)
            problems.Add($"Bus:Transport must be \"InMemory\" or \"RabbitMq\" (got \"{Transport}\")");
        else if (transport == BusTransport.RabbitMq)
            RabbitMq.Check(problems);
        if (string.IsNullOrWhiteSpace(FeedbackQueue) || !QueueName().IsMatch(FeedbackQueue))
            problems.Add($"Bus:FeedbackQueue must be letters, digits, '-', '_', '.' or ':' (got \"{FeedbackQueue}\")");
        if (FeedbackConcurrency is < 1 or > 256)
            problems.Add($"Bus:FeedbackConcurrency must be between 1 and 256 (got {FeedbackConcurrency})");
        Outbox.Check(problems);
        if (problems.Count > 0)
            throw new InvalidOperationException($"Invalid bus configuration: {string.Join("; ", problems)}.");
    }

    // By name only (any case): Enum.TryParse would also take "1".
    static BusTransport? ParseTransport(string? name) =>
        Enum.GetValues<BusTransport>().Cast<BusTransport?>()
            .FirstOrDefault(t => string.Equals(t.ToString(), name?.Trim(), StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,200}$")]
    private static partial Regex QueueName();
}
