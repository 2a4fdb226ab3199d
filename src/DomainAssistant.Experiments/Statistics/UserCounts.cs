namespace DomainAssistant.Experiments.Statistics;

/// <summary>
/// A rate over users: x_u events out of y_u trials per user u, summed (thumbs up out of ratings, failures out of
/// messages). Users, not messages, are what the assignment randomises, and one user's messages resemble each other,
/// so the variance of the pooled rate R = Σx / Σy is taken over users by the delta method (Deng, Knoblich and Lu
/// 2018, "Applying the delta method in metric analytics", KDD '18, §3): Var(R) ≈ Σ_u (x_u - R·y_u)² / ((n - 1)·n·ȳ²),
/// with ȳ = Σy / n. With one trial per user it is R(1 - R)/(n - 1), the binomial variance; users whose messages are
/// alike make it larger.
/// </summary>
/// <remarks>Kept as sums (n, Σx, Σy, Σx², Σy², Σxy), which SQL aggregates directly: Σ(x - Ry)² = Σx² - 2RΣxy + R²Σy².</remarks>
public readonly record struct UserCounts(long Users, long Events, long Trials, double EventsSquared, double TrialsSquared, double EventsTimesTrials)
{
    public static UserCounts None { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>Events out of trials with every trial from a different user: independent trials.</summary>
    public static UserCounts OnePerUser(long events, long trials) => new(trials, events, trials, events, trials, events);

    /// <summary>The trials pooled as if independent: the rate, and its Wilson interval.</summary>
    public Proportion Pooled => new(Events, Trials);

    /// <summary>The delta-method variance of the pooled rate over users; 0 with fewer than two users.</summary>
    public double Variance
    {
        get
        {
            if (Users < 2 || Trials == 0) return 0;
            double rate = (double)Events / Trials;
            double residuals = EventsSquared - 2 * rate * EventsTimesTrials + rate * rate * TrialsSquared;
            return Math.Max(0, residuals) * Users / ((Users - 1.0) * Trials * Trials);
        }
    }
}
