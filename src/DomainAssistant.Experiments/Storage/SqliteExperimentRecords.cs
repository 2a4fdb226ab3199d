using DomainAssistant.Experiments.Guardrails;
using DomainAssistant.Experiments.Statistics;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Experiments.Storage;

/// <summary><see cref="IExperimentRecords"/> on the experiments SQLite file (tables <c>exposures</c> and <c>ratings</c>).</summary>
public sealed class SqliteExperimentRecords(ExperimentDatabase database) : IExperimentRecords
{
    const string InsertExposure = """
        INSERT INTO exposures (experiment_id, message_id, user_id, variant, served_at, latency_ms, failed, declined)
        SELECT $experiment, $message, $user, $variant, $served, $latency, $failed, $declined
        FROM experiments WHERE id = $experiment AND status = 'running'
        ON CONFLICT (experiment_id, message_id) DO NOTHING
        """;

    public async Task<bool> RecordExposureAsync(Exposure exposure, CancellationToken cancellationToken = default) =>
        await RecordExposuresAsync([exposure], cancellationToken) == 1;

    public async Task<int> RecordExposuresAsync(IReadOnlyCollection<Exposure> exposures, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exposures);
        foreach (var exposure in exposures) ExposureCheck.Check(exposure);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        // Only while running, checked in the same statement so a pause and a late exposure cannot interleave.
        insert.CommandText = InsertExposure;
        int recorded = 0;
        foreach (var exposure in exposures)
        {
            insert.Parameters.Clear();
            insert.Parameters.AddWithValue("$experiment", exposure.ExperimentId);
            insert.Parameters.AddWithValue("$message", exposure.MessageId);
            insert.Parameters.AddWithValue("$user", exposure.UserId);
            insert.Parameters.AddWithValue("$variant", exposure.Variant);
            insert.Parameters.AddWithValue("$served", SqliteText.Time(exposure.ServedAt));
            insert.Parameters.AddWithValue("$latency", (object?)exposure.LatencyMs ?? DBNull.Value);
            insert.Parameters.AddWithValue("$failed", exposure.Failed ? 1 : 0);
            insert.Parameters.AddWithValue("$declined", exposure.Declined ? 1 : 0);
            recorded += await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return recorded;
    }

    public async Task<bool> RecordRatingAsync(Rating rating, CancellationToken cancellationToken = default) =>
        await RecordRatingsAsync([rating], cancellationToken) == 1;

    public async Task<int> RecordRatingsAsync(IReadOnlyCollection<Rating> ratings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        // A user who changes their mind changes the count; the variant is always the one that served the message.
        upsert.CommandText = """
            INSERT INTO ratings (experiment_id, message_id, up, rated_at)
            SELECT experiment_id, message_id, $up, $at FROM exposures WHERE experiment_id = $experiment AND message_id = $message
            ON CONFLICT (experiment_id, message_id) DO UPDATE SET up = excluded.up, rated_at = excluded.rated_at
            """;
        int recorded = 0;
        foreach (var rating in ratings)
        {
            ArgumentNullException.ThrowIfNull(rating);
            upsert.Parameters.Clear();
            upsert.Parameters.AddWithValue("$experiment", rating.ExperimentId);
            upsert.Parameters.AddWithValue("$message", rating.MessageId);
            upsert.Parameters.AddWithValue("$up", rating.Up ? 1 : 0);
            upsert.Parameters.AddWithValue("$at", SqliteText.Time(rating.RatedAt));
            recorded += await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return recorded;
    }

    public async Task<IReadOnlyList<VariantTally>> TallyAsync(Experiment experiment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT e.variant, COUNT(*), COUNT(DISTINCT e.user_id),
                   COALESCE(SUM(r.up = 1), 0), COALESCE(SUM(r.up = 0), 0),
                   SUM(e.failed), SUM(e.declined), COUNT(e.latency_ms),
                   COUNT(DISTINCT CASE WHEN e.served_at >= $since THEN e.user_id END),
                   COUNT(DISTINCT CASE WHEN e.served_at >= $since AND r.up IS NOT NULL THEN e.user_id END)
            FROM exposures e LEFT JOIN ratings r ON r.experiment_id = e.experiment_id AND r.message_id = e.message_id
            WHERE e.experiment_id = $experiment
            GROUP BY e.variant
            """;
        select.Parameters.AddWithValue("$experiment", experiment.Id);
        select.Parameters.AddWithValue("$since", SqliteText.Time(experiment.AllocationSince));
        var rows = new Dictionary<string, VariantTally>(StringComparer.Ordinal);
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                rows[reader.GetString(0)] = new VariantTally(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2),
                    reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7),
                    LatencyP95: null, reader.GetInt64(8), reader.GetInt64(9), UserCounts.None);
        }
        // Only rated messages, per user: up-ratings out of ratings.
        var byUser = await SumByUserAsync(connection, experiment.Id, "SUM(r.up)", "JOIN", "", 0, cancellationToken);
        var tallies = new List<VariantTally>();
        foreach (var variant in ExperimentVariants.Both)
        {
            var tally = rows.GetValueOrDefault(variant) ?? VariantTally.Empty(variant);
            tallies.Add(tally with
            {
                LatencyP95 = await P95Async(connection, experiment.Id, variant, tally.TimedExposures, cancellationToken),
                ByUser = byUser.GetValueOrDefault(variant, UserCounts.None),
            });
        }
        return tallies;
    }

    public async Task<IReadOnlyList<TimelinePoint>> TimelineAsync(Experiment experiment, TimeSpan bucket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucket, TimeSpan.FromSeconds(1));
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        // Bucket i holds what happened in [start + i·bucket, start + (i+1)·bucket); julianday reads the stored UTC text.
        select.CommandText = """
            SELECT bucket, variant, SUM(exposures), SUM(up), SUM(ratings) FROM (
                SELECT CAST((julianday(served_at) - julianday($start)) * 86400.0 / $seconds AS INTEGER) AS bucket,
                       variant, 1 AS exposures, 0 AS up, 0 AS ratings
                FROM exposures WHERE experiment_id = $experiment
                UNION ALL
                SELECT CAST((julianday(r.rated_at) - julianday($start)) * 86400.0 / $seconds AS INTEGER),
                       e.variant, 0, r.up, 1
                FROM ratings r JOIN exposures e ON e.experiment_id = r.experiment_id AND e.message_id = r.message_id
                WHERE r.experiment_id = $experiment)
            GROUP BY bucket, variant ORDER BY bucket
            """;
        select.Parameters.AddWithValue("$experiment", experiment.Id);
        select.Parameters.AddWithValue("$start", SqliteText.Time(experiment.CreatedAt));
        select.Parameters.AddWithValue("$seconds", bucket.TotalSeconds);
        var perBucket = new SortedDictionary<long, Dictionary<string, (long Exposures, long Up, long Ratings)>>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                ExperimentTimeline.Add(perBucket, reader.GetInt64(0), reader.GetString(1), (reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }
        return ExperimentTimeline.Accumulate(experiment.CreatedAt, bucket, perBucket);
    }

    public async Task<IReadOnlyList<UserCounts>> GuardrailCountsAsync(string experimentId, Guardrail guardrail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(guardrail);
        // Events and the messages they are out of: every served message, or for latency every timed one.
        var (events, filter) = guardrail.Metric switch
        {
            GuardrailMetric.ThumbsDownRate => ("COALESCE(SUM(r.up = 0), 0)", ""),
            GuardrailMetric.ErrorRate => ("SUM(e.failed)", ""),
            GuardrailMetric.DeclineRate => ("SUM(e.declined)", ""),
            GuardrailMetric.LatencyP95 => ("SUM(e.latency_ms > $budget)", "AND e.latency_ms IS NOT NULL"),
            _ => throw new ArgumentOutOfRangeException(nameof(guardrail), guardrail.Metric, null),
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        var sums = await SumByUserAsync(connection, experimentId, events, "LEFT JOIN", filter, guardrail.Limit, cancellationToken);
        return [.. ExperimentVariants.Both.Select(v => sums.GetValueOrDefault(v, UserCounts.None))];
    }

    // Per user u of each variant: x = the events, y = the messages; then the sums the delta-method variance needs.
    static async Task<Dictionary<string, UserCounts>> SumByUserAsync(SqliteConnection connection, string experimentId,
        string events, string join, string filter, double budget, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = $"""
            SELECT variant, COUNT(*), SUM(x), SUM(y), SUM(x * x), SUM(y * y), SUM(x * y) FROM (
                SELECT e.variant AS variant, {events} AS x, COUNT(*) AS y
                FROM exposures e {join} ratings r ON r.experiment_id = e.experiment_id AND r.message_id = e.message_id
                WHERE e.experiment_id = $experiment {filter}
                GROUP BY e.variant, e.user_id)
            GROUP BY variant
            """;
        select.Parameters.AddWithValue("$experiment", experimentId);
        select.Parameters.AddWithValue("$budget", budget);
        var sums = new Dictionary<string, UserCounts>(StringComparer.Ordinal);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            sums[reader.GetString(0)] = new UserCounts(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                reader.GetDouble(4), reader.GetDouble(5), reader.GetDouble(6));
        return sums;
    }

    // The nearest-rank p95: the smallest latency with at least 95% of the timed messages at or below it
    // (Hyndman & Fan 1996, definition 1), read by the index on latency rather than by loading every value.
    static async Task<double?> P95Async(SqliteConnection connection, string experimentId, string variant, long timed, CancellationToken cancellationToken)
    {
        if (timed == 0) return null;
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT latency_ms FROM exposures WHERE experiment_id = $experiment AND variant = $variant AND latency_ms IS NOT NULL
            ORDER BY latency_ms LIMIT 1 OFFSET $rank
            """;
        select.Parameters.AddWithValue("$experiment", experimentId);
        select.Parameters.AddWithValue("$variant", variant);
        select.Parameters.AddWithValue("$rank", (long)Math.Ceiling(0.95 * timed) - 1);
        return await select.ExecuteScalarAsync(cancellationToken) is double value ? value : null;
    }
}
