using System.Text.RegularExpressions;
using DomainAssistant.Feedback.Publishing;
using Microsoft.Extensions.Configuration;

namespace DomainAssistant.Feedback;

/// <summary>
/// The feedback path's own keys in section <c>Bus</c> (docs/configuration.md): the queue feedback is filed from, how
/// many are filed at once, and how the outbox publishes. The transport itself is the host's (ServiceDefaults'
/// BusOptions), which is told these <see cref="Keys"/> so it can still refuse a misspelt one.
/// </summary>
public sealed partial class FeedbackBusOptions
{
    /// <summary>The keys directly under <c>Bus</c> these options own.</summary>
    public static IReadOnlyList<string> Keys { get; } = [nameof(FeedbackQueue), nameof(FeedbackConcurrency), nameof(Outbox)];

    /// <summary>The queue feedback is filed from. Default "feedback-submitted".</summary>
    public string FeedbackQueue { get; set; } = "feedback-submitted";

    /// <summary>
    /// Feedback messages a process consumes at once; those that arrive together are filed in one transaction
    /// (<see cref="Filing.GroupCommitInbox"/>), so this is also the largest group. Default 256: a filing waits on its
    /// group's commit, so the messages in flight, not the CPU, bounded a worker's rate at smaller values (bench/RESULTS.md).
    /// </summary>
    public int FeedbackConcurrency { get; set; } = 256;

    public FeedbackOutboxOptions Outbox { get; set; } = new();

    /// <summary>Binds <see cref="Keys"/> of section <c>Bus</c> (missing keys keep their defaults) and validates them.</summary>
    /// <exception cref="InvalidOperationException">A key is unknown, unparsable or out of range; the message names it.</exception>
    public static FeedbackBusOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Bus");
        var options = new FeedbackBusOptions();
        try
        {
            if (section[nameof(FeedbackQueue)] is { } queue) options.FeedbackQueue = queue;
            if (section.GetSection(nameof(FeedbackConcurrency)).Value is not null)
                options.FeedbackConcurrency = section.GetValue<int>(nameof(FeedbackConcurrency));
            section.GetSection(nameof(Outbox)).Bind(options.Outbox, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException error)
        {
            throw new InvalidOperationException($"Invalid bus configuration: {error.Message}", error);
        }
        options.Validate();
        return options;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> listing every problem, naming each key.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(FeedbackQueue) || !QueueName().IsMatch(FeedbackQueue))
            problems.Add($"Bus:FeedbackQueue must be letters, digits, '-', '_', '.' or ':' (got \"{FeedbackQueue}\")");
        if (FeedbackConcurrency is < 1 or > 256)
            problems.Add($"Bus:FeedbackConcurrency must be between 1 and 256 (got {FeedbackConcurrency})");
        Outbox.Check(problems);
        if (problems.Count > 0)
            throw new InvalidOperationException($"Invalid bus configuration: {string.Join("; ", problems)}.");
    }

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,200}$")]
    private static partial Regex QueueName();
}
