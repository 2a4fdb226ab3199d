namespace DomainAssistant.Experiments;

/// <summary>
/// A variant's counts from the start of its experiment up to <see cref="Until"/>: what a chart of the up-rate over
/// time plots (cumulative, so each point is the estimate an operator would have read then).
/// </summary>
public sealed record TimelinePoint(DateTimeOffset Until, string Variant, long Exposures, long RatingsUp, long Ratings);
