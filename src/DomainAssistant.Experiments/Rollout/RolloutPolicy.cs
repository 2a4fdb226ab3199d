namespace DomainAssistant.Experiments.Rollout;

/// <summary>How much evidence the unattended rollout (<see cref="RolloutRule"/>) waits for before it acts.</summary>
public sealed record RolloutPolicy
{
    /// <summary>
    /// Users of each variant who rated an answer served at the current ramp step before the step may be left (up the
    /// ramp, or promoted at its top). Users, not ratings: they are what the assignment randomises, and a step seen by
    /// a few busy raters has not been seen by the share it serves. Default 50, as many as a look of the test needs.
    /// </summary>
    public int MinRatersPerStep { get; init; } = 50;

    /// <summary>
    /// Ratings of both variants together after which a still inconclusive experiment is rolled back (the control stays):
    /// an effect too small to show in that many ratings is not worth a new production adapter. Default 5000.
    /// </summary>
    public long InconclusiveAfterRatings { get; init; } = 5000;

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public void Validate()
    {
        if (MinRatersPerStep < 2) throw new ArgumentException($"MinRatersPerStep must be at least 2 (a variance over users needs two), not {MinRatersPerStep}.");
        if (InconclusiveAfterRatings < 2L * MinRatersPerStep)
            throw new ArgumentException($"InconclusiveAfterRatings ({InconclusiveAfterRatings}) must be at least twice MinRatersPerStep ({MinRatersPerStep}): one step's raters of both variants.");
    }
}
