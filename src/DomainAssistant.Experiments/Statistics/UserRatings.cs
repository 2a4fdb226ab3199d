namespace DomainAssistant.Experiments.Statistics;

/// <summary>
/// One variant's thumbs up as a ratio over users: x_u up-ratings out of y_u ratings per user u, summed. Users, not
/// ratings, are what the assignment randomises, and one user's ratings resemble each other, so the variance of the
/// pooled rate R = Σx / Σy is taken over users by the delta method (Deng, Knoblich and Lu 2018, "Applying the delta
/// method in metric analytics", KDD '18, §3): Var(R) ≈ Σ_u (x_u - R·y_u)² / ((n - 1)·n·ȳ²), with ȳ = Σy / n.
/// With one rating per user it is R(1 - R)/(n - 1), the binomial variance; users who rate alike make it larger.
/// </summary>
/// <remarks>Kept as sums (n, Σx, Σy, Σx², Σy², Σxy), which SQL aggregates directly: Σ(x - Ry)² = Σx² - 2RΣxy + R²Σy².</remarks>
public readonly record struct UserRatings(long Users, long Up, long Ratings, double UpSquared, double RatingsSquared, double UpTimesRatings)
{
    public static UserRatings None { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>The ratings pooled as if independent: for the rate and its Wilson interval.</summary>
    public Proportion Pooled => new(Up, Ratings);

    /// <summary>The delta-method variance of the pooled rate over users; 0 with fewer than two users.</summary>
    public double Variance
    {
        get
        {
            if (Users < 2 || Ratings == 0) return 0;
            double rate = (double)Up / Ratings;
            double residuals = UpSquared - 2 * rate * UpTimesRatings + rate * rate * RatingsSquared;
            return Math.Max(0, residuals) * Users / ((Users - 1.0) * Ratings * Ratings);
        }
    }
}
