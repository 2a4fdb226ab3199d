using DomainAssistant.Storage.PostgreSql;
using Npgsql;
using NpgsqlTypes;

namespace DomainAssistant.Evaluation.Gates;

/// <summary>
/// <see cref="IGateVerdictStore"/> in the scale-out mode's shared PostgreSQL database, so a verdict a worker stores is
/// the one every API process's rollout reads.
/// </summary>
public sealed class PostgresGateVerdictStore(PostgresDatabase database) : IGateVerdictStore
{
    /// <summary>The table, as <see cref="SqliteGateVerdictStore"/> keeps it, with native times and JSON.</summary>
    public static ComponentSchema Schema { get; } = new("gate_verdicts", new SchemaMigration(1, "gate verdicts", """
        CREATE TABLE gate_verdicts (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            suite TEXT NOT NULL,
            suite_sha256 TEXT NOT NULL,
            candidate_sha256 TEXT NOT NULL,
            baseline_sha256 TEXT,
            base_sha256 TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail')),
            metrics JSONB NOT NULL,
            report TEXT,
            created_at TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX gate_verdicts_candidate ON gate_verdicts (candidate_sha256, id);
        """));

    public async Task<long> AddAsync(GateVerdict verdict, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = new NpgsqlCommand("""
            INSERT INTO gate_verdicts (suite, suite_sha256, candidate_sha256, baseline_sha256, base_sha256, verdict, metrics, report, created_at)
            VALUES (@suite, @suiteSha, @candidate, @baseline, @base, @verdict, @metrics, @report, @created)
            RETURNING id
            """, connection);
        command.Parameters.AddWithValue("suite", verdict.Suite);
        command.Parameters.AddWithValue("suiteSha", verdict.SuiteSha256);
        command.Parameters.AddWithValue("candidate", verdict.CandidateSha256);
        command.Parameters.Add(new NpgsqlParameter("baseline", NpgsqlDbType.Text) { Value = (object?)verdict.BaselineSha256 ?? DBNull.Value });
        command.Parameters.AddWithValue("base", verdict.BaseModelSha256);
        command.Parameters.AddWithValue("verdict", verdict.Verdict);
        command.Parameters.Add(new NpgsqlParameter("metrics", NpgsqlDbType.Jsonb) { Value = GateVerdictJson.Metrics(verdict.Metrics) });
        command.Parameters.Add(new NpgsqlParameter("report", NpgsqlDbType.Text) { Value = (object?)verdict.ReportPath ?? DBNull.Value });
        command.Parameters.AddWithValue("created", verdict.CreatedAt.ToUniversalTime());
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<GateVerdict>> ForCandidateAsync(string candidateSha256, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(candidateSha256);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT suite, suite_sha256, candidate_sha256, baseline_sha256, base_sha256, metrics::text, report, created_at
            FROM gate_verdicts WHERE candidate_sha256 = @candidate ORDER BY id DESC
            """, connection);
        command.Parameters.AddWithValue("candidate", candidateSha256);
        var verdicts = new List<GateVerdict>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            verdicts.Add(new GateVerdict(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), GateVerdictJson.Metrics(reader.GetString(5)), PostgresTime.Read(reader, 7), reader.IsDBNull(6) ? null : reader.GetString(6)));
        return verdicts;
    }
}
