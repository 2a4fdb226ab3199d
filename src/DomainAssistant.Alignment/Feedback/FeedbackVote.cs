namespace DomainAssistant.Alignment.Feedback;

/// <summary>
/// One thumbs up or down on one answer, as a line of a feedback file holds it (see <see cref="FeedbackFile"/>):
/// the prompt as the model saw it, the answer, the rating, and whatever lineage the source kept.
/// </summary>
public sealed record FeedbackVote
{
    /// <summary>The prompt: raw user text, or the prompt as the model saw it (chat template and context included).</summary>
    public required string Prompt { get; init; }

    public required string Response { get; init; }

    /// <summary>True for "up", false for "down".</summary>
    public required bool IsUp { get; init; }

    public string? Reason { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Who voted; null when the source does not say (such votes are not capped per user).</summary>
    public string? User { get; init; }

    /// <summary>Checksum of the adapter that produced the answer; null for the base model or when unknown.</summary>
    public string? AdapterChecksum { get; init; }

    public string? Adapter { get; init; }

    /// <summary>The feature-flag variant that served the answer, if any.</summary>
    public string? Variant { get; init; }

    /// <summary>The rated message: a user's later vote on the same message replaces the earlier one.</summary>
    public string? MessageId { get; init; }

    /// <summary>Names the vote itself: a redelivered vote carries the same id and is a duplicate.</summary>
    public string? FeedbackId { get; init; }

    /// <summary>Filing order in the feedback store, when exported from it.</summary>
    public long? Sequence { get; init; }

    /// <summary>When the user voted, if known.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>Retrieval chunk ids placed in the prompt, in rank order (a citation [n] names the n-th).</summary>
    public IReadOnlyList<string> RetrievedChunkIds { get; init; } = [];

    /// <summary>
    /// Chunk ids of the citations shown with the answer, in marker order; empty when it cited nothing or the source
    /// does not say. Kept apart from <see cref="RetrievedChunkIds"/>: a rating judges what was shown, not all retrieved.
    /// </summary>
    public IReadOnlyList<string> Citations { get; init; } = [];

    /// <summary>1-based line of the file it was read from (0 when not read from a file).</summary>
    public int Line { get; init; }

    public string Rating => IsUp ? "up" : "down";
}
