namespace DomainAssistant.Alignment.Preferences;

/// <summary>How votes become preference data (<see cref="PreferenceSet.Build"/>).</summary>
public sealed record PreferenceOptions
{
    /// <summary>
    /// Most votes one user contributes to a window (default 50): their latest ones are kept, so one prolific user
    /// cannot dominate what the model learns. Votes without a user are not capped (the source cannot tell users apart).
    /// </summary>
    public int MaxVotesPerUser { get; init; } = 50;

    /// <summary>Fewest usable votes a run trains on (default 8); fewer ends the run with a message and no model.</summary>
    public int MinVotes { get; init; } = 8;

    /// <summary>Most (up, down) pairs taken from one prompt (default 16), so a much-rated prompt does not swamp the pairs.</summary>
    public int MaxPairsPerPrompt { get; init; } = 16;

    public void Validate()
    {
        if (MaxVotesPerUser < 1) throw new ArgumentOutOfRangeException(nameof(MaxVotesPerUser), MaxVotesPerUser, "the per-user cap must be at least 1");
        if (MinVotes < 2) throw new ArgumentOutOfRangeException(nameof(MinVotes), MinVotes, "at least 2 votes are needed (one up, one down)");
        if (MaxPairsPerPrompt < 0) throw new ArgumentOutOfRangeException(nameof(MaxPairsPerPrompt), MaxPairsPerPrompt, "must be >= 0");
    }
}
