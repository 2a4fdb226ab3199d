namespace DomainAssistant.Grounding;

/// <summary>How reading drills are drawn from a domain's corpus (see <see cref="ReadingDrills"/>).</summary>
public sealed record ReadingDrillOptions
{
    /// <summary>Drills drawn (default 20,000).</summary>
    public int Count { get; init; } = 20_000;

    /// <summary>Passages in a drill's context at most (default 5, what chat retrieves); each drill draws 1 to this many.</summary>
    public int MaxPassages { get; init; } = 5;

    /// <summary>Consecutive sentences of a chunk in one passage at most (default 3): short contexts first.</summary>
    public int MaxSentencesPerPassage { get; init; } = 3;

    /// <summary>More questions asked on each drill's context, as later turns (default 4): most of a drill's tokens are its context, so each context should train several answers.</summary>
    public int FollowUps { get; init; } = 4;

    /// <summary>Share of drills whose words and numbers are changed (default 0.75): no memory of the corpus answers those.</summary>
    public double ScrambledShare { get; init; } = 0.75;

    /// <summary>In a changed drill, the share of distinct content words replaced by other words of the corpus (default 0.5).</summary>
    public double ScrambleRate { get; init; } = 0.5;

    /// <summary>Share of drills whose context lacks the asked sentence's passage: the answer is the decline (default 0.15).</summary>
    public double DeclineShare { get; init; } = 0.15;

    /// <summary>Seeds every draw (default 1234).</summary>
    public int Seed { get; init; } = 1234;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option that cannot work.</summary>
    public void Validate()
    {
        if (Count < 1) throw new ArgumentException($"drill count must be at least 1, got {Count}.");
        if (MaxPassages is < 1 or > 20) throw new ArgumentException($"passages per drill must be 1..20, got {MaxPassages}.");
        if (MaxSentencesPerPassage is < 1 or > 20) throw new ArgumentException($"sentences per passage must be 1..20, got {MaxSentencesPerPassage}.");
        if (FollowUps is < 0 or > 16) throw new ArgumentException($"follow-ups must be 0..16, got {FollowUps}.");
        if (ScrambledShare is < 0 or > 1) throw new ArgumentException($"scrambled share must be in [0, 1], got {ScrambledShare}.");
        if (ScrambleRate is < 0 or > 1) throw new ArgumentException($"scramble rate must be in [0, 1], got {ScrambleRate}.");
        if (DeclineShare is < 0 or >= 1) throw new ArgumentException($"decline share must be in [0, 1), got {DeclineShare}.");
    }
}
