namespace DomainAssistant.Alignment.Preferences;

/// <summary>Votes and up rate of one slice of the window (an adapter, a variant).</summary>
public sealed record VoteSplit(int Votes, int Up, double UpRate);

/// <summary>
/// The votes a run used, as the lineage records it: the first and last vote by filing sequence and time (null where
/// the file does not carry them), so the next run can start after this one's window.
/// </summary>
public sealed record FeedbackWindow(long? FirstSequence, long? LastSequence, DateTimeOffset? FirstAt, DateTimeOffset? LastAt,
    string? FirstFeedbackId, string? LastFeedbackId);

/// <summary>What became of the votes of a window: counts at each filter, up rate, pairs and the per-adapter and per-variant split.</summary>
public sealed record PreferenceSummary
{
    /// <summary>Votes read from the file.</summary>
    public required int Read { get; init; }

    /// <summary>Repeats of a vote already read (same feedback id, or the same user, prompt, answer and rating).</summary>
    public required int Duplicates { get; init; }

    /// <summary>Votes replaced by the same user's later vote on the same message.</summary>
    public required int Superseded { get; init; }

    public required int EmptyResponses { get; init; }

    /// <summary>Votes beyond a user's cap.</summary>
    public required int OverUserCap { get; init; }

    /// <summary>Votes kept for training.</summary>
    public required int Kept { get; init; }

    public required int Up { get; init; }
    public required int Down { get; init; }
    public required double UpRate { get; init; }
    public required int Prompts { get; init; }
    public required int Pairs { get; init; }
    public required int Users { get; init; }

    /// <summary>By adapter checksum (else adapter name; "base" when neither).</summary>
    public required IReadOnlyDictionary<string, VoteSplit> ByAdapter { get; init; }

    /// <summary>By flag variant ("none" outside experiments).</summary>
    public required IReadOnlyDictionary<string, VoteSplit> ByVariant { get; init; }

    public required FeedbackWindow Window { get; init; }
}
