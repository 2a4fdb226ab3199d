using DomainAssistant.Experiments;
using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Api.Operator;

/// <summary>
/// One point of a variant's up-rate over time, as <c>GET /api/operator/experiments/{id}/timeline</c> gives it:
/// cumulative counts up to <see cref="Until"/> with the Wilson interval an operator would have read then.
/// </summary>
public sealed record TimelineView(DateTimeOffset Until, string Variant, long Exposures, long RatingsUp, long Ratings, double? UpRate,
    double? UpRateCiLow, double? UpRateCiHigh)
{
    public static TimelineView Of(TimelinePoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (point.Ratings == 0) return new(point.Until, point.Variant, point.Exposures, point.RatingsUp, 0, null, null, null);
        var proportion = new Proportion(point.RatingsUp, point.Ratings);
        var interval = WilsonInterval.Of(proportion);
        return new(point.Until, point.Variant, point.Exposures, point.RatingsUp, point.Ratings, proportion.Rate, interval.Low, interval.High);
    }

    /// <summary>About <paramref name="points"/> buckets over the experiment's life so far, none shorter than a second.</summary>
    public static TimeSpan Bucket(DateTimeOffset createdAt, DateTimeOffset now, int points = 60)
    {
        var span = now - createdAt;
        var bucket = span / points;
        return bucket < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : bucket;
    }
}
