using Microsoft.Extensions.Configuration;

namespace DomainAssistant.ServiceDefaults.Bus;

/// <summary>
/// The message bus (configuration section <c>Bus</c>, keys in docs/configuration.md): which transport, and where
/// RabbitMQ is. Validates itself: an unknown transport, an out-of-range port or a typo in a key name stops the host
/// with a message naming the key. Parts keep their own keys in the same section (the feedback queue, the outbox);
/// they are named to <see cref="From"/> so that a misspelt key is still refused.
/// </summary>
public sealed class BusOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Bus";

    /// <summary>"InMemory" (default, one process) or "RabbitMq".</summary>
    public string Transport { get; set; } = nameof(BusTransport.InMemory);

    public RabbitMqOptions RabbitMq { get; set; } = new();

    /// <summary>The transport <see cref="Transport"/> names (call <see cref="Validate"/> first).</summary>
    public BusTransport TransportKind => ParseTransport(Transport)
        ?? throw new InvalidOperationException($"Bus:Transport must be \"InMemory\" or \"RabbitMq\" (got \"{Transport}\").");

    static readonly string[] OwnKeys = [nameof(Transport), nameof(RabbitMq)];

    /// <summary>Binds section <c>Bus</c> (missing keys keep their defaults) and validates it.</summary>
    /// <param name="configuration">The host's configuration.</param>
    /// <param name="partKeys">Keys directly under <c>Bus</c> that parts bind themselves (e.g. "FeedbackQueue").</param>
    /// <exception cref="InvalidOperationException">A key is unknown, unparsable or out of range.</exception>
    public static BusOptions From(IConfiguration configuration, IEnumerable<string> partKeys)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(partKeys);
        var section = configuration.GetSection(Section);
        var known = OwnKeys.Concat(partKeys).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = section.GetChildren().Select(c => c.Key).Where(k => !known.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new InvalidOperationException($"Invalid bus configuration: unknown key(s) {string.Join(", ", unknown.Select(k => $"Bus:{k}"))}.");
        var options = new BusOptions { Transport = section[nameof(Transport)] ?? nameof(BusTransport.InMemory) };
        Bind(section.GetSection(nameof(RabbitMq)), options.RabbitMq);
        options.Validate();
        return options;
    }

    static void Bind(IConfigurationSection section, RabbitMqOptions rabbitMq)
    {
        try
        {
            section.Bind(rabbitMq, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException error)
        {
            // The binder's message names the key and the value it could not use.
            throw new InvalidOperationException($"Invalid bus configuration: {error.Message}", error);
        }
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
        if (problems.Count > 0)
            throw new InvalidOperationException($"Invalid bus configuration: {string.Join("; ", problems)}.");
    }

    // By name only (any case): Enum.TryParse would also take "1".
    static BusTransport? ParseTransport(string? name) =>
        Enum.GetValues<BusTransport>().Cast<BusTransport?>()
            .FirstOrDefault(t => string.Equals(t.ToString(), name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
