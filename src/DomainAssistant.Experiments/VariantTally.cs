using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments;

/// <summary>
/// The counts of one variant, from the stored exposures and ratings. <see cref="UsersSinceAllocation"/> and
/// <see cref="RatersSinceAllocation"/> count users seen since the current allocation began (for the sample ratio check);
/// <see cref="ByUser"/> holds the ratings summed per user, for the variance over users.
/// </summary>
public sealed record VariantTally(
    string Variant,
    long Exposures,
    long Users,
    long RatingsUp,
    long RatingsDown,
    long Errors,
    long Declines,
    long TimedExposures,
    double? LatencyP95,
    long UsersSinceAllocation,
    long RatersSinceAllocation,
    UserCounts ByUser)
{
    public static VariantTally Empty(string variant) => new(variant, 0, 0, 0, 0, 0, 0, 0, null, 0, 0, UserCounts.None);

    public long Ratings => RatingsUp + RatingsDown;
}
