namespace DomainAssistant.Experiments.Storage;

/// <summary>
/// Turns per-bucket counts (each engine's query groups records by bucket index) into the cumulative points
/// <see cref="IExperimentRecords.TimelineAsync"/> returns, the same on every engine.
/// </summary>
static class ExperimentTimeline
{
    // Every bucket up to the last with data, each variant's counts summed from the start (empty buckets repeat the last).
    public static List<TimelinePoint> Accumulate(DateTimeOffset start, TimeSpan bucket, SortedDictionary<long, Dictionary<string, (long Exposures, long Up, long Ratings)>> perBucket)
    {
        var points = new List<TimelinePoint>();
        if (perBucket.Count == 0) return points;
        var running = ExperimentVariants.Both.ToDictionary(v => v, _ => (Exposures: 0L, Up: 0L, Ratings: 0L), StringComparer.Ordinal);
        for (long index = 0; index <= perBucket.Keys.Last(); index++)
        {
            foreach (var variant in ExperimentVariants.Both)
            {
                if (perBucket.TryGetValue(index, out var variants) && variants.TryGetValue(variant, out var added))
                    running[variant] = (running[variant].Exposures + added.Exposures, running[variant].Up + added.Up, running[variant].Ratings + added.Ratings);
                var (exposures, up, ratings) = running[variant];
                points.Add(new TimelinePoint(start + bucket * (index + 1), variant, exposures, up, ratings));
            }
        }
        return points;
    }

    /// <summary>Adds one row of a bucket query (records before the start count in the first bucket).</summary>
    public static void Add(SortedDictionary<long, Dictionary<string, (long Exposures, long Up, long Ratings)>> perBucket, long bucketIndex, string variant,
        (long Exposures, long Up, long Ratings) counts)
    {
        long index = Math.Max(0, bucketIndex);
        if (!perBucket.TryGetValue(index, out var variants)) perBucket[index] = variants = new(StringComparer.Ordinal);
        variants[variant] = counts;
    }
}
