using DomainAssistant.Experiments.Guardrails;
using DomainAssistant.Experiments.Statistics;
using DomainAssistant.Storage.PostgreSql;
using Npgsql;
using NpgsqlTypes;

namespace DomainAssistant.Experiments.Storage;

/// <summary>
/// <see cref="IExperimentRecords"/> in the scale-out mode's shared PostgreSQL database (tables <c>experiment_exposures</c>
/// and <c>experiment_ratings</c>), the same counts as <see cref="SqliteExperimentRecords"/>.
/// </summary>
public sealed class PostgresExperimentRecords(PostgresDatabase database) : IExperimentRecords
{
    // FOR SHARE: a pause (which locks the row FOR UPDATE) and a late exposure serialise; the exposure, re-checked after
    // the pause commits, finds the experiment no longer running and records nothing.
    const string InsertExposure = """
        INSERT INTO experiment_exposures (experiment_id, message_id, user_id, variant, served_at, latency_ms, failed, declined)
        SELECT @experiment, @message, @user, @variant, @served, @latency, @failed, @declined
        FROM experiments WHERE id = @experiment AND status = 'running'
        FOR SHARE
        ON CONFLICT (experiment_id, message_id) DO NOTHING
        """;

    public async Task<bool> RecordExposureAsync(Exposure exposure, CancellationToken cancellationToken = default) =>
        await RecordExposuresAsync([exposure], cancellationToken) == 1;

    public async Task<int> RecordExposuresAsync(IReadOnlyCollection<Exposure> exposures, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exposures);
        foreach (var exposure in exposures) ExposureCheck.Check(exposure);
        await using var connection = await database.OpenAsync(PostgresExperimentSchema.Schema, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = new NpgsqlCommand(InsertExposure, connection, transaction);
        var experiment = insert.Parameters.Add("experiment", NpgsqlDbType.Text);
        var message = insert.Parameters.Add("message", NpgsqlDbType.Text);
        var user = insert.Parameters.Add("user", NpgsqlDbType.Text);
        var variant = insert.Parameters.Add("variant", NpgsqlDbType.Text);
        var served = insert.Parameters.Add("served", NpgsqlDbType.TimestampTz);
        var latency = insert.Parameters.Add("latency", NpgsqlDbType.Double);
        var failed = insert.Parameters.Add("failed", NpgsqlDbType.Boolean);
        var declined = insert.Parameters.Add("declined", NpgsqlDbType.Boolean);
        int recorded = 0;
        foreach (var exposure in exposures)
        {
            experiment.Value = exposure.ExperimentId;
            message.Value = exposure.MessageId;
            user.Value = exposure.UserId;
            variant.Value = exposure.Variant;
            served.Value = exposure.ServedAt.ToUniversalTime();
            latency.Value = (object?)exposure.LatencyMs ?? DBNull.Value;
            failed.Value = exposure.Failed;
            declined.Value = exposure.Declined;
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
        await using var connection = await database.OpenAsync(PostgresExperimentSchema.Schema, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // A user who changes their mind changes the count; the variant is always the one that served the message.
        // One statement per rating: a batch may rate the same message twice, the later rating winning.
        await using var upsert = new NpgsqlCommand("""
            INSERT INTO experiment_ratings (experiment_id, message_id, up, rated_at)
            SELECT experiment_id, message_id, @up, @at FROM experiment_exposures WHERE experiment_id = @experiment AND message_id = @message
            ON CONFLICT (experiment_id, message_id) DO UPDATE SET up = excluded.up, rated_at = excluded.rated_at
            """, connection, transaction);
        var experiment = upsert.Parameters.Add("experiment", NpgsqlDbType.Text);
        var message = upsert.Parameters.Add("message", NpgsqlDbType.Text);
        var up = upsert.Parameters.Add("up", NpgsqlDbType.Boolean);
        var at = upsert.Parameters.Add("at", NpgsqlDbType.TimestampTz);
        int recorded = 0;
        foreach (var rating in ratings)
        {
            ArgumentNullException.ThrowIfNull(rating);
            experiment.Value = rating.ExperimentId;
            message.Value = rating.MessageId;
            up.Value = rating.Up;
            at.Value = rating.RatedAt.ToUniversalTime();
            recorded += await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return recorded;
    }

    public async Task<IReadOnlyList<VariantTally>> TallyAsync(Experiment experiment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        await using var connection = await database.OpenAsync(PostgresExperimentSchema.Schema, cancellationToken);
        // One snapshot for the counts, the per-user sums and the percentiles, as SQLite's single reader sees one.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var select = new NpgsqlCommand("""
            SELECT e.variant, COUNT(*), COUNT(DISTINCT e.user_id),
                   COUNT(*) FILTER (WHERE r.up), COUNT(*) FILTER (WHERE NOT r.up),
                   COUNT(*) FILTER (WHERE e.failed), COUNT(*) FILTER (WHERE e.declined), COUNT(e.latency_ms),
                   COUNT(DISTINCT e.user_id) FILTER (WHERE e.served_at >= @since),
                   COUNT(DISTINCT e.user_id) FILTER (WHERE e.served_at >= @since AND r.up IS NOT NULL)
            FROM experiment_exposures e
            LEFT JOIN experiment_ratings r ON r.experiment_id = e.experiment_id AND r.message_id = e.message_id
            WHERE e.experiment_id = @experiment
            GROUP BY e.variant
            """, connection, transaction);
        select.Parameters.AddWithValue("experiment", experiment.Id);
        select.Parameters.AddWithValue("since", experiment.AllocationSince.ToUniversalTime());
        var rows = new Dictionary<string, VariantTally>(StringComparer.Ordinal);
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                rows[reader.GetString(0)] = new VariantTally(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2),
                    reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7),
                    LatencyP95: null, reader.GetInt64(8), reader.GetInt64(9), UserCounts.None);
        }
        // Only rated messages, per user: up-ratings out of ratings.
        var byUser = await SumByUserAsync(connection, transaction, experiment.Id, "COUNT(*) FILTER (WHERE r.up)", "JOIN", "", 0, cancellationToken);
        var tallies = new List<VariantTally>();
        foreach (var variant in ExperimentVariants.Both)
        {
            var tally = rows.GetValueOrDefault(variant) ?? VariantTally.Empty(variant);
            tallies.Add(tally with
            {
                LatencyP95 = await P95Async(connection, transaction, experiment.Id, variant, tally.TimedExposures, cancellationToken),
                ByUser = byUser.GetValueOrDefault(variant, UserCounts.None),
            });
        }
        await transaction.CommitAsync(cancellationToken);
        return tallies;
    }

    public async Task<IReadOnlyList<TimelinePoint>> TimelineAsync(Experiment experiment, TimeSpan bucket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucket, TimeSpan.FromSeconds(1));
        await using var connection = await database.OpenAsync(PostgresExperimentSchema.Schema, cancellationToken);
        // Bucket i holds what happened in [start + i·bucket, start + (i+1)·bucket); TRUNC rounds toward zero as SQLite's CAST does.
        await using var select = new NpgsqlCommand("""
            SELECT bucket, variant, SUM(exposures)::bigint, SUM(up)::bigint, SUM(ratings)::bigint FROM (
                SELECT TRUNC(EXTRACT(EPOCH FROM served_at - @start)::float8 / @seconds)::bigint AS bucket,
                       variant, 1 AS exposures, 0 AS up, 0 AS ratings
                FROM experiment_exposures WHERE experiment_id = @experiment
                UNION ALL
                SELECT TRUNC(EXTRACT(EPOCH FROM r.rated_at - @start)::float8 / @seconds)::bigint,
                       e.variant, 0, CASE WHEN r.up THEN 1 ELSE 0 END, 1
                FROM experiment_ratings r
                JOIN experiment_exposures e ON e.experiment_id = r.experiment_id AND e.message_id = r.message_id
                WHERE r.experiment_id = @experiment) AS events
            GROUP BY bucket, variant ORDER BY bucket
            """, connection);
        select.Parameters.AddWithValue("experiment", experiment.Id);
        select.Parameters.AddWithValue("start", experiment.CreatedAt.ToUniversalTime());
        select.Parameters.AddWithValue("seconds", bucket.TotalSeconds);
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
            GuardrailMetric.ThumbsDownRate => ("COUNT(*) FILTER (WHERE NOT r.up)", ""),
            GuardrailMetric.ErrorRate => ("COUNT(*) FILTER (WHERE e.failed)", ""),
            GuardrailMetric.DeclineRate => ("COUNT(*) FILTER (WHERE e.declined)", ""),
            GuardrailMetric.LatencyP95 => ("COUNT(*) FILTER (WHERE e.latency_ms > @budget)", "AND e.latency_ms IS NOT NULL"),
            _ => throw new ArgumentOutOfRangeException(nameof(guardrail), guardrail.Metric, null),
        };
        await using var connection = await database.OpenAsync(PostgresExperimentSchema.Schema, cancellationToken);
        var sums = await SumByUserAsync(connection, null, experimentId, events, "LEFT JOIN", filter, guardrail.Limit, cancellationToken);
        return [.. ExperimentVariants.Both.Select(v => sums.GetValueOrDefault(v, UserCounts.None))];
    }

    // Per user u of each variant: x = the events, y = the messages; then the sums the delta-method variance needs.
    static async Task<Dictionary<string, UserCounts>> SumByUserAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string experimentId,
        string events, string join, string filter, double budget, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand($"""
            SELECT variant, COUNT(*), SUM(x)::bigint, SUM(y)::bigint, SUM(x * x)::float8, SUM(y * y)::float8, SUM(x * y)::float8 FROM (
                SELECT e.variant AS variant, {events} AS x, COUNT(*) AS y
                FROM experiment_exposures e {join} experiment_ratings r ON r.experiment_id = e.experiment_id AND r.message_id = e.message_id
                WHERE e.experiment_id = @experiment {filter}
                GROUP BY e.variant, e.user_id) AS per_user
            GROUP BY variant
            """, connection, transaction);
        select.Parameters.AddWithValue("experiment", experimentId);
        select.Parameters.AddWithValue("budget", budget);
        var sums = new Dictionary<string, UserCounts>(StringComparer.Ordinal);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            sums[reader.GetString(0)] = new UserCounts(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                reader.GetDouble(4), reader.GetDouble(5), reader.GetDouble(6));
        return sums;
    }

    // The nearest-rank p95: the smallest latency with at least 95% of the timed messages at or below it
    // (Hyndman & Fan 1996, definition 1), read by the index on latency rather than by loading every value.
    static async Task<double?> P95Async(NpgsqlConnection connection, NpgsqlTransaction transaction, string experimentId, string variant, long timed,
        CancellationToken cancellationToken)
    {
        if (timed == 0) return null;
        await using var select = new NpgsqlCommand("""
            SELECT latency_ms FROM experiment_exposures WHERE experiment_id = @experiment AND variant = @variant AND latency_ms IS NOT NULL
            ORDER BY latency_ms LIMIT 1 OFFSET @rank
            """, connection, transaction);
        select.Parameters.AddWithValue("experiment", experimentId);
        select.Parameters.AddWithValue("variant", variant);
        select.Parameters.AddWithValue("rank", (long)Math.Ceiling(0.95 * timed) - 1);
        return await select.ExecuteScalarAsync(cancellationToken) is double value ? value : null;
    }
}
