using System.Globalization;
using System.Text.Json;
using DomainAssistant.Storage;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Storage.Jobs;

/// <summary><see cref="IJobStore"/> in SQLite (<c>Storage:DataDirectory</c>/jobs.db), the embedded mode's.</summary>
public sealed class SqliteJobStore(string path) : IJobStore
{
    const string Schema = """
        CREATE TABLE IF NOT EXISTS jobs (
            id TEXT PRIMARY KEY, kind TEXT NOT NULL, domain TEXT NOT NULL, version INTEGER, state TEXT NOT NULL,
            progress REAL NOT NULL, message TEXT NOT NULL, documents_done INTEGER NOT NULL, documents_total INTEGER NOT NULL,
            chunks_done INTEGER NOT NULL, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, error TEXT, requested_by TEXT, stage TEXT);
        CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, created_at);
        """;

    const string Columns = "id, kind, domain, version, state, progress, message, documents_done, documents_total, chunks_done, created_at, started_at, finished_at, error, requested_by, stage";

    // A jobs.db written before jobs had stages gains the column (null for its rows) the first time it is opened.
    readonly SqliteFile _database = new(path, Schema, AddStageColumn);

    public async Task SaveAsync(JobRecord job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT OR REPLACE INTO jobs ({Columns}) VALUES ($id, $kind, $domain, $version, $state, $progress, $message, $done, $total, $chunks, $created, $started, $finished, $error, $by, $stage)";
        command.Parameters.AddWithValue("$id", job.Id.ToString("D"));
        command.Parameters.AddWithValue("$kind", job.Kind);
        command.Parameters.AddWithValue("$domain", job.Domain);
        command.Parameters.AddWithValue("$version", (object?)job.Version ?? DBNull.Value);
        command.Parameters.AddWithValue("$state", job.State);
        command.Parameters.AddWithValue("$progress", job.Progress);
        command.Parameters.AddWithValue("$message", job.Message);
        command.Parameters.AddWithValue("$done", job.DocumentsDone);
        command.Parameters.AddWithValue("$total", job.DocumentsTotal);
        command.Parameters.AddWithValue("$chunks", job.ChunksDone);
        command.Parameters.AddWithValue("$created", Time(job.CreatedAt));
        command.Parameters.AddWithValue("$started", (object?)Time(job.StartedAt) ?? DBNull.Value);
        command.Parameters.AddWithValue("$finished", (object?)Time(job.FinishedAt) ?? DBNull.Value);
        command.Parameters.AddWithValue("$error", (object?)job.Error ?? DBNull.Value);
        command.Parameters.AddWithValue("$by", (object?)job.RequestedBy ?? DBNull.Value);
        command.Parameters.AddWithValue("$stage", job.Stage is null ? DBNull.Value : JsonSerializer.Serialize(job.Stage));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<JobRecord?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var jobs = await QueryAsync("WHERE id = $id", ("$id", id.ToString("D")), cancellationToken);
        return jobs.Count == 0 ? null : jobs[0];
    }

    public Task<IReadOnlyList<JobRecord>> ListUnfinishedAsync(CancellationToken cancellationToken) =>
        QueryAsync($"WHERE state IN ('{JobStates.Queued}', '{JobStates.Running}') ORDER BY created_at", null, cancellationToken);

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM jobs";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    async Task<IReadOnlyList<JobRecord>> QueryAsync(string where, (string Name, string Value)? parameter, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM jobs {where}";
        if (parameter is { } p) command.Parameters.AddWithValue(p.Name, p.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var jobs = new List<JobRecord>();
        while (await reader.ReadAsync(cancellationToken)) jobs.Add(Read(reader));
        return jobs;
    }

    static void AddStageColumn(SqliteConnection connection) => SqliteColumns.AddMissing(connection, "jobs", [("stage", "stage TEXT")]);

    static JobRecord Read(SqliteDataReader row) => new(
        Guid.Parse(row.GetString(0)), row.GetString(1), row.GetString(2), row.IsDBNull(3) ? null : row.GetInt32(3), row.GetString(4),
        row.GetDouble(5), row.GetString(6), row.GetInt32(7), row.GetInt32(8), row.GetInt32(9), ParseTime(row.GetString(10)),
        row.IsDBNull(11) ? null : ParseTime(row.GetString(11)), row.IsDBNull(12) ? null : ParseTime(row.GetString(12)),
        row.IsDBNull(13) ? null : row.GetString(13), row.IsDBNull(14) ? null : row.GetString(14))
    {
        Stage = row.IsDBNull(15) ? null : JsonSerializer.Deserialize<JobStage>(row.GetString(15)),
    };

    static string? Time(DateTimeOffset? time) => time?.ToString("O", CultureInfo.InvariantCulture);

    static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
