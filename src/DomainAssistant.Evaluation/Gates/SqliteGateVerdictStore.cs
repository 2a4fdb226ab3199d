using System.Globalization;
using DomainAssistant.Storage;

namespace DomainAssistant.Evaluation.Gates;

/// <summary><see cref="IGateVerdictStore"/> in <c>gate-verdicts.db</c> under the data folder (the embedded mode).</summary>
public sealed class SqliteGateVerdictStore(string dataDirectory) : IGateVerdictStore
{
    public const string FileName = "gate-verdicts.db";

    const string Schema = """
        CREATE TABLE IF NOT EXISTS gate_verdicts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            suite TEXT NOT NULL,
            suite_sha256 TEXT NOT NULL,
            candidate_sha256 TEXT NOT NULL,
            baseline_sha256 TEXT,
            base_sha256 TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail')),
            metrics TEXT NOT NULL,
            report TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS gate_verdicts_candidate ON gate_verdicts (candidate_sha256, id);
        """;

    readonly SqliteFile _file = new(Path.Combine(dataDirectory, FileName), Schema);

    public async Task<long> AddAsync(GateVerdict verdict, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO gate_verdicts (suite, suite_sha256, candidate_sha256, baseline_sha256, base_sha256, verdict, metrics, report, created_at)
            VALUES ($suite, $suiteSha, $candidate, $baseline, $base, $verdict, $metrics, $report, $created);
            SELECT last_insert_rowid();
            """;
        command.Parameters.AddWithValue("$suite", verdict.Suite);
        command.Parameters.AddWithValue("$suiteSha", verdict.SuiteSha256);
        command.Parameters.AddWithValue("$candidate", verdict.CandidateSha256);
        command.Parameters.AddWithValue("$baseline", (object?)verdict.BaselineSha256 ?? DBNull.Value);
        command.Parameters.AddWithValue("$base", verdict.BaseModelSha256);
        command.Parameters.AddWithValue("$verdict", verdict.Verdict);
        command.Parameters.AddWithValue("$metrics", GateVerdictJson.Metrics(verdict.Metrics));
        command.Parameters.AddWithValue("$report", (object?)verdict.ReportPath ?? DBNull.Value);
        command.Parameters.AddWithValue("$created", verdict.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<GateVerdict>> ForCandidateAsync(string candidateSha256, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(candidateSha256);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT suite, suite_sha256, candidate_sha256, baseline_sha256, base_sha256, metrics, report, created_at
            FROM gate_verdicts WHERE candidate_sha256 = $candidate ORDER BY id DESC;
            """;
        command.Parameters.AddWithValue("$candidate", candidateSha256);
        var verdicts = new List<GateVerdict>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            verdicts.Add(new GateVerdict(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), GateVerdictJson.Metrics(reader.GetString(5)),
                DateTimeOffset.Parse(reader.GetString(7), CultureInfo.InvariantCulture), reader.IsDBNull(6) ? null : reader.GetString(6)));
        return verdicts;
    }
}
