using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Storage.Lineage;

/// <summary>
/// The lineage ledger in a SQLite file (<c>lineage.db</c> in the data folder): one row per artifact, keyed by its
/// checksum, and one row per parent link, so ancestry is a walk over indexed rows rather than over folders.
/// </summary>
public sealed class SqliteLineageLedger(string path) : ILineageLedger
{
    /// <summary>The ledger's file name in a data folder.</summary>
    public const string FileName = "lineage.db";

    const string Schema = """
        CREATE TABLE IF NOT EXISTS artifacts (
            id TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            path TEXT,
            produced_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            details TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS artifact_parents (
            child_id TEXT NOT NULL REFERENCES artifacts (id),
            parent_id TEXT NOT NULL REFERENCES artifacts (id),
            position INTEGER NOT NULL,
            path TEXT,
            PRIMARY KEY (child_id, parent_id)
        );
        CREATE INDEX IF NOT EXISTS artifact_parents_parent ON artifact_parents (parent_id);
        """;

    readonly SqliteFile _file = new(path, Schema);

    /// <summary>The ledger of a data folder (<c>DIR/lineage.db</c>).</summary>
    public static SqliteLineageLedger InFolder(string dataDirectory) => new(System.IO.Path.Combine(dataDirectory, FileName));

    /// <summary>The absolute path of the ledger's file.</summary>
    public string Path => _file.Path;

    public async Task<LineageRecord> RecordAsync(LineageRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        LineageRecord.IdOf(record.Sha256);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
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
                INSERT OR IGNORE INTO artifact_parents (child_id, parent_id, position, path) VALUES ($child, $parent, $position, $path);
                """);
            link.Parameters.AddWithValue("$child", record.Id);
            link.Parameters.AddWithValue("$parent", record.Parents[i].Id);
            link.Parameters.AddWithValue("$position", i);
            link.Parameters.AddWithValue("$path", (object?)record.Parents[i].Path ?? DBNull.Value);
            await link.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (await FindAsync(record.Id, cancellationToken))!;
    }

    public async Task<LineageRecord?> FindAsync(string idOrSha256, CancellationToken cancellationToken = default)
    {
        var (column, key) = LineageLookup.Key(idOrSha256);
        await using var connection = await _file.OpenAsync(cancellationToken);
        return await ReadAsync(connection, null, column, key, cancellationToken);
    }

    public async Task<IReadOnlyList<LineageRecord>> ParentsAsync(string idOrSha256, CancellationToken cancellationToken = default)
    {
        var (column, key) = LineageLookup.Key(idOrSha256);
        await using var connection = await _file.OpenAsync(cancellationToken);
        var record = await ReadAsync(connection, null, column, key, cancellationToken) ?? throw LineageLookup.NotFound(idOrSha256);
        return record.Parents.Count == 0 ? [] : await ParentsOfAsync(connection, record.Id, cancellationToken);
    }

    public async Task<IReadOnlyList<LineageRecord>> AncestryAsync(string idOrSha256, CancellationToken cancellationToken = default)
    {
        var (column, key) = LineageLookup.Key(idOrSha256);
        await using var connection = await _file.OpenAsync(cancellationToken);
        var first = await ReadAsync(connection, null, column, key, cancellationToken) ?? throw LineageLookup.NotFound(idOrSha256);
        return await LineageLookup.AncestryAsync(first, id => ParentsOfAsync(connection, id, cancellationToken));
    }

    static async Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, LineageRecord record, bool replace, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, (replace ? "INSERT OR REPLACE" : "INSERT OR IGNORE") + """
             INTO artifacts (id, sha256, kind, path, produced_by, created_at, details)
            VALUES ($id, $sha, $kind, $path, $producedBy, $createdAt, $details);
            """);
        command.Parameters.AddWithValue("$id", record.Id);
        command.Parameters.AddWithValue("$sha", record.Sha256.ToLowerInvariant());
        command.Parameters.AddWithValue("$kind", record.Kind.Name());
        command.Parameters.AddWithValue("$path", (object?)record.Path ?? DBNull.Value);
        command.Parameters.AddWithValue("$producedBy", record.ProducedBy);
        command.Parameters.AddWithValue("$createdAt", record.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$details", record.DetailsJson());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static async Task<LineageRecord?> ReadAsync(SqliteConnection connection, SqliteTransaction? transaction, string column, string key, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction,
            $"SELECT id, sha256, kind, path, produced_by, created_at, details FROM artifacts WHERE {column} = $key;");
        command.Parameters.AddWithValue("$key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var id = reader.GetString(0);
        var record = Row(reader);
        await reader.CloseAsync();
        return record with { Parents = await LinksAsync(connection, transaction, id, cancellationToken) };
    }

    static async Task<IReadOnlyList<LineageLink>> LinksAsync(SqliteConnection connection, SqliteTransaction? transaction, string childId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, """
            SELECT a.kind, a.sha256, p.path FROM artifact_parents p JOIN artifacts a ON a.id = p.parent_id
            WHERE p.child_id = $child ORDER BY p.position;
            """);
        command.Parameters.AddWithValue("$child", childId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var links = new List<LineageLink>();
        while (await reader.ReadAsync(cancellationToken))
            links.Add(LineageRows.Link(reader));
        return links;
    }

    static async Task<IReadOnlyList<LineageRecord>> ParentsOfAsync(SqliteConnection connection, string childId, CancellationToken cancellationToken)
    {
        var parents = new List<LineageRecord>();
        foreach (var link in await LinksAsync(connection, null, childId, cancellationToken))
            parents.Add((await ReadAsync(connection, null, "id", link.Id, cancellationToken))!);
        return parents;
    }

    static LineageRecord Row(SqliteDataReader reader) => LineageRows.Artifact(reader, DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), "lineage.db");

    static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
