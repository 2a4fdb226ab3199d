namespace DomainAssistant.Feedback.Publishing;

/// <summary>How the outbox publishes stored feedback (<c>Bus:Outbox</c>).</summary>
public sealed class FeedbackOutboxOptions
{
    /// <summary>Feedbacks published concurrently, then marked published in one transaction. Default 100.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How long one publish may wait for the broker's confirm before it counts as failed. Default 30 s.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often pending feedback is retried when nothing new arrives. Default 5 s.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    internal void Check(List<string> problems)
    {
        if (BatchSize is < 1 or > 10_000) problems.Add($"Bus:Outbox:BatchSize must be between 1 and 10000 (got {BatchSize})");
        if (PublishTimeout <= TimeSpan.Zero) problems.Add($"Bus:Outbox:PublishTimeout must be positive (got {PublishTimeout})");
        if (SweepInterval <= TimeSpan.Zero) problems.Add($"Bus:Outbox:SweepInterval must be positive (got {SweepInterval})");
    }
}
