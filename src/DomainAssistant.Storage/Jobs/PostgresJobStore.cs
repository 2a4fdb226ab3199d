using System.Text.Json;
using DomainAssistant.Storage.PostgreSql;
using Npgsql;
using NpgsqlTypes;

namespace DomainAssistant.Storage.Jobs;

/// <summary><see cref="IJobStore"/> in the scale-out mode's shared PostgreSQL database.</summary>
public sealed class PostgresJobStore(PostgresDatabase database) : IJobStore
{
    /// <summary>The table, as <see cref="SqliteJobStore"/> keeps it, with native ids, times and JSON.</summary>
    public static ComponentSchema Schema { get; } = new("jobs", new SchemaMigration(1, "jobs", """
        CREATE TABLE jobs (
            id UUID PRIMARY KEY,
            kind TEXT NOT NULL,
            domain TEXT NOT NULL,
            version INTEGER,
            state TEXT NOT NULL,
            progress DOUBLE PRECISION NOT NULL,
            message TEXT NOT NULL,
            documents_done INTEGER NOT NULL,
            documents_total INTEGER NOT NULL,
            chunks_done INTEGER NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            started_at TIMESTAMPTZ,
            finished_at TIMESTAMPTZ,
            error TEXT,
            requested_by TEXT,
            stage JSONB
        );
        CREATE INDEX jobs_by_state ON jobs (state, created_at);
        """));

    const string Columns = "id, kind, domain, version, state, progress, message, documents_done, documents_total, chunks_done, created_at, started_at, finished_at, error, requested_by, stage";

    // The stage read as JSON text, for the same deserializer as SQLite's.
    const string Selected = "id, kind, domain, version, state, progress, message, documents_done, documents_total, chunks_done, created_at, started_at, finished_at, error, requested_by, stage::text";

    public async Task SaveAsync(JobRecord job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = new NpgsqlCommand($"""
            INSERT INTO jobs ({Columns})
            VALUES (@id, @kind, @domain, @version, @state, @progress, @message, @done, @total, @chunks, @created, @started, @finished, @error, @by, @stage)
            ON CONFLICT (id) DO UPDATE SET
                kind = EXCLUDED.kind, domain = EXCLUDED.domain, version = EXCLUDED.version, state = EXCLUDED.state,
                progress = EXCLUDED.progress, message = EXCLUDED.message, documents_done = EXCLUDED.documents_done,
                documents_total = EXCLUDED.documents_total, chunks_done = EXCLUDED.chunks_done, created_at = EXCLUDED.created_at,
                started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, error = EXCLUDED.error,
                requested_by = EXCLUDED.requested_by, stage = EXCLUDED.stage
            """, connection);
        var p = command.Parameters;
        p.AddWithValue("id", job.Id);
        p.AddWithValue("kind", job.Kind);
        p.AddWithValue("domain", job.Domain);
        p.Add(new NpgsqlParameter("version", NpgsqlDbType.Integer) { Value = (object?)job.Version ?? DBNull.Value });
        p.AddWithValue("state", job.State);
        p.AddWithValue("progress", job.Progress);
        p.AddWithValue("message", job.Message);
        p.AddWithValue("done", job.DocumentsDone);
        p.AddWithValue("total", job.DocumentsTotal);
        p.AddWithValue("chunks", job.ChunksDone);
        p.AddWithValue("created", job.CreatedAt.ToUniversalTime());
        p.Add(new NpgsqlParameter("started", NpgsqlDbType.TimestampTz) { Value = (object?)job.StartedAt?.ToUniversalTime() ?? DBNull.Value });
        p.Add(new NpgsqlParameter("finished", NpgsqlDbType.TimestampTz) { Value = (object?)job.FinishedAt?.ToUniversalTime() ?? DBNull.Value });
        p.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)job.Error ?? DBNull.Value });
        p.Add(new NpgsqlParameter("by", NpgsqlDbType.Text) { Value = (object?)job.RequestedBy ?? DBNull.Value });
        p.Add(new NpgsqlParameter("stage", NpgsqlDbType.Jsonb) { Value = job.Stage is null ? DBNull.Value : JsonSerializer.Serialize(job.Stage) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<JobRecord?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var jobs = await QueryAsync("WHERE id = @id", id, cancellationToken);
        return jobs.Count == 0 ? null : jobs[0];
    }

    public Task<IReadOnlyList<JobRecord>> ListUnfinishedAsync(CancellationToken cancellationToken) =>
        QueryAsync($"WHERE state IN ('{JobStates.Queued}', '{JobStates.Running}') ORDER BY created_at, id", null, cancellationToken);

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM jobs", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    async Task<IReadOnlyList<JobRecord>> QueryAsync(string where, Guid? id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Selected} FROM jobs {where}", connection);
        if (id is { } value) command.Parameters.AddWithValue("id", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var jobs = new List<JobRecord>();
        while (await reader.ReadAsync(cancellationToken)) jobs.Add(Read(reader));
        return jobs;
    }

    static JobRecord Read(NpgsqlDataReader row) => new(
        row.GetGuid(0), row.GetString(1), row.GetString(2), row.IsDBNull(3) ? null : row.GetInt32(3), row.GetString(4),
        row.GetDouble(5), row.GetString(6), row.GetInt32(7), row.GetInt32(8), row.GetInt32(9), PostgresTime.Read(row, 10),
        row.IsDBNull(11) ? null : PostgresTime.Read(row, 11), row.IsDBNull(12) ? null : PostgresTime.Read(row, 12),
        row.IsDBNull(13) ? null : row.GetString(13), row.IsDBNull(14) ? null : row.GetString(14))
    {
        Stage = row.IsDBNull(15) ? null : JsonSerializer.Deserialize<JobStage>(row.GetString(15)),
    };
}
