using System.Text.Json;
using DomainAssistant.Storage.PostgreSql;
using Npgsql;
using NpgsqlTypes;

namespace DomainAssistant.Storage.Lineage;

/// <summary>
/// <see cref="ILineageLedger"/> in the scale-out mode's shared PostgreSQL database, so an artifact a worker records is
/// in the one ledger every process reads.
/// </summary>
/// <remarks>
/// Recording is one transaction holding the ledger's advisory lock: writers take turns as they do on the SQLite file
/// (one immediate transaction at a time), so two processes recording the same checksum keep the first record, and two
/// children naming the same new parents never wait on each other's placeholders (no deadlock). Artifacts are recorded
/// a few per training run, so one lock for the whole ledger costs nothing. Times come back in UTC, to the microsecond.
/// </remarks>
public sealed class PostgresLineageLedger(PostgresDatabase database) : ILineageLedger
{
    /// <summary>
    /// The tables, as <see cref="SqliteLineageLedger"/> keeps them, with native times and JSON. The details are
    /// <c>json</c>, not <c>jsonb</c>: kept as their maker wrote them (key order, every character), as the SQLite text is.
    /// </summary>
    public static ComponentSchema Schema { get; } = new("lineage", new SchemaMigration(1, "artifacts and their parents", """
        CREATE TABLE artifacts (
            id TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            path TEXT,
            produced_by TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            details JSON NOT NULL
        );
        CREATE TABLE artifact_parents (
            child_id TEXT NOT NULL REFERENCES artifacts (id),
            parent_id TEXT NOT NULL REFERENCES artifacts (id),
            position INTEGER NOT NULL,
            path TEXT,
            PRIMARY KEY (child_id, parent_id)
        );
        CREATE INDEX artifact_parents_parent ON artifact_parents (parent_id);
        """));

    // "DA_LIN": a one-part key of its own, beside the migrations' ("DA_MIG") and filing's ("DA_FIL").
    const long RecordingLock = 0x44_41_5F_4C_49_4E;

    const string Columns = "id, sha256, kind, path, produced_by, created_at, details";

    public async Task<LineageRecord> RecordAsync(LineageRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        LineageRecord.IdOf(record.Sha256);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using (var serialize = Command(connection, transaction, "SELECT pg_advisory_xact_lock(@key)"))
            {
                serialize.Parameters.AddWithValue("key", RecordingLock);
                await serialize.ExecuteNonQueryAsync(cancellationToken);
            }
            var existing = await ReadAsync(connection, transaction, "sha256", record.Sha256.ToLowerInvariant(), cancellationToken);
            if (existing is not null && existing.ProducedBy != LineageRecord.Referenced) return existing;
            foreach (var parent in record.Parents)
            {
                if (parent.Sha256.Equals(record.Sha256, StringComparison.OrdinalIgnoreCase))
                    throw new ArgumentException($"artifact {record.Id} names itself as its parent.", nameof(record));
                await InsertAsync(connection, transaction, new LineageRecord
                {
                    Kind = parent.Kind, Sha256 = parent.Sha256.ToLowerInvariant(), Path = parent.Path, ProducedBy = LineageRecord.Referenced, CreatedAt = record.CreatedAt,
                }, replace: false, cancellationToken);
            }
            await InsertAsync(connection, transaction, record, replace: existing is not null, cancellationToken);
            for (var i = 0; i < record.Parents.Count; i++)
            {
                await using var link = Command(connection, transaction, """
                    INSERT INTO artifact_parents (child_id, parent_id, position, path) VALUES (@child, @parent, @position, @path)
                    ON CONFLICT DO NOTHING
                    """);
                link.Parameters.AddWithValue("child", record.Id);
                link.Parameters.AddWithValue("parent", record.Parents[i].Id);
                link.Parameters.AddWithValue("position", i);
                link.Parameters.Add(new NpgsqlParameter("path", NpgsqlDbType.Text) { Value = (object?)record.Parents[i].Path ?? DBNull.Value });
                await link.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        return (await ReadAsync(connection, null, "id", record.Id, cancellationToken))!;
    }

    public async Task<LineageRecord?> FindAsync(string idOrSha256, CancellationToken cancellationToken = default)
    {
        var (column, key) = LineageLookup.Key(idOrSha256);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        return await ReadAsync(connection, null, column, key, cancellationToken);
    }

    public async Task<IReadOnlyList<LineageRecord>> ParentsAsync(string idOrSha256, CancellationToken cancellationToken = default)
    {
        var (column, key) = LineageLookup.Key(idOrSha256);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        var record = await ReadAsync(connection, null, column, key, cancellationToken) ?? throw LineageLookup.NotFound(idOrSha256);
        return record.Parents.Count == 0 ? [] : await ParentsOfAsync(connection, record.Id, cancellationToken);
    }

    public async Task<IReadOnlyList<LineageRecord>> AncestryAsync(string idOrSha256, CancellationToken cancellationToken = default)
    {
        var (column, key) = LineageLookup.Key(idOrSha256);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        var first = await ReadAsync(connection, null, column, key, cancellationToken) ?? throw LineageLookup.NotFound(idOrSha256);
        return await LineageLookup.AncestryAsync(first, id => ParentsOfAsync(connection, id, cancellationToken));
    }

    /// <summary>
    /// Adds the row, or (<paramref name="replace"/>) overwrites the placeholder with the same id; a row already there
    /// is otherwise kept, as SQLite's INSERT OR IGNORE keeps it.
    /// </summary>
    static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, LineageRecord record, bool replace, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"""
            INSERT INTO artifacts ({Columns}) VALUES (@id, @sha, @kind, @path, @producedBy, @createdAt, @details)
            {(replace
                ? "ON CONFLICT (id) DO UPDATE SET sha256 = EXCLUDED.sha256, kind = EXCLUDED.kind, path = EXCLUDED.path, produced_by = EXCLUDED.produced_by, created_at = EXCLUDED.created_at, details = EXCLUDED.details"
                : "ON CONFLICT DO NOTHING")}
            """);
        command.Parameters.AddWithValue("id", record.Id);
        command.Parameters.AddWithValue("sha", record.Sha256.ToLowerInvariant());
        command.Parameters.AddWithValue("kind", record.Kind.Name());
        command.Parameters.Add(new NpgsqlParameter("path", NpgsqlDbType.Text) { Value = (object?)record.Path ?? DBNull.Value });
        command.Parameters.AddWithValue("producedBy", record.ProducedBy);
        command.Parameters.AddWithValue("createdAt", PostgresTime.Stored(record.CreatedAt));
        command.Parameters.Add(new NpgsqlParameter("details", NpgsqlDbType.Json) { Value = record.DetailsJson() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static async Task<LineageRecord?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string column, string key, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT {Columns} FROM artifacts WHERE {column} = @key");
        command.Parameters.AddWithValue("key", key);
        LineageRecord record;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken)) return null;
            record = Row(reader);
        }
        return record with { Parents = await LinksAsync(connection, transaction, record.Id, cancellationToken) };
    }

    static async Task<IReadOnlyList<LineageLink>> LinksAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string childId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, """
            SELECT a.kind, a.sha256, p.path FROM artifact_parents p JOIN artifacts a ON a.id = p.parent_id
            WHERE p.child_id = @child ORDER BY p.position
            """);
        command.Parameters.AddWithValue("child", childId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var links = new List<LineageLink>();
        while (await reader.ReadAsync(cancellationToken))
            links.Add(LineageRows.Link(reader));
        return links;
    }

    static async Task<IReadOnlyList<LineageRecord>> ParentsOfAsync(NpgsqlConnection connection, string childId, CancellationToken cancellationToken)
    {
        var parents = new List<LineageRecord>();
        foreach (var link in await LinksAsync(connection, null, childId, cancellationToken))
            parents.Add((await ReadAsync(connection, null, "id", link.Id, cancellationToken))!);
        return parents;
    }

    static LineageRecord Row(NpgsqlDataReader reader) => LineageRows.Artifact(reader, PostgresTime.Read(reader, 5), "lineage ledger");

    static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql) => new(sql, connection, transaction);
}
