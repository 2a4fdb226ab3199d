namespace DomainAssistant.Grounding;

/// <summary>How grounded training data is laid out from a domain (see <see cref="GroundedExampleBuilder"/>).</summary>
public sealed record GroundedDataOptions
{
    /// <summary>Template questions per corpus sentence (default 2; 0 = only the Q/A file).</summary>
    public int QuestionsPerSentence { get; init; } = 2;

    /// <summary>Sentence examples at most (default 4,000): bounds the training time on large corpora.</summary>
    public int MaxSentenceExamples { get; init; } = 4000;

    /// <summary>Share of answerable examples whose source chunks are removed from the context, to teach the decline (default 0.12).</summary>
    public double DeclineShare { get; init; } = 0.12;

    /// <summary>More questions asked on each example's context, as later turns (default 4; 0 = one question per example): see <see cref="GroundedExampleBuilder"/>.</summary>
    public int FollowUps { get; init; } = 4;

    /// <summary>
    /// Share of answered examples whose facts are replaced by other values of the same shape throughout the
    /// conversation (<see cref="CounterfactualFacts"/>), so only copying from the context gets them right (default 0:
    /// not yet measured to help; docs/training.md).
    /// </summary>
    public double CounterfactualShare { get; init; }

    /// <summary>Chunks retrieved per question before composing; default 0: the domain's topK, as chat retrieves.</summary>
    public int TopK { get; init; }

    /// <summary>Seeds template choice, decline picks and order (default 1234).</summary>
    public int Seed { get; init; } = 1234;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option that cannot work.</summary>
    public void Validate()
    {
        if (QuestionsPerSentence is < 0 or > 4) throw new ArgumentException($"questions per sentence must be 0..4, got {QuestionsPerSentence}.");
        if (MaxSentenceExamples < 0) throw new ArgumentException($"max sentence examples must not be negative, got {MaxSentenceExamples}.");
        if (DeclineShare is < 0 or >= 1) throw new ArgumentException($"decline share must be in [0, 1), got {DeclineShare}.");
        if (FollowUps is < 0 or > 16) throw new ArgumentException($"follow-ups must be 0..16, got {FollowUps}.");
        if (CounterfactualShare is < 0 or > 1) throw new ArgumentException($"counterfactual share must be in [0, 1], got {CounterfactualShare}.");
        if (TopK is < 0 or > 100) throw new ArgumentException($"top-k must be 0..100, got {TopK}.");
    }
}
