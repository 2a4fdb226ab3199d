namespace DomainAssistant.Experiments.Statistics;

/// <summary>Events out of trials: thumbs up out of ratings, errors out of served messages.</summary>
public readonly record struct Proportion
{
    public Proportion(long events, long trials)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(events);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, events);
        Events = events;
        Trials = trials;
    }

    public long Events { get; }

    public long Trials { get; }

    /// <summary>Events / trials; 0 when there are no trials.</summary>
    public double Rate => Trials == 0 ? 0 : (double)Events / Trials;

    /// <summary>
    /// (events + 1) / (trials + 2): used only where a variance must not be zero (the Laplace / Agresti-Coull style
    /// adjustment), so a variant with all-up ratings so far still has some uncertainty.
    /// </summary>
    public double SmoothedRate => (Events + 1.0) / (Trials + 2.0);
}
