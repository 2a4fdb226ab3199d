using System.Text.Json;
using DomainAssistant.Storage.PostgreSql;
using Npgsql;
using NpgsqlTypes;

namespace DomainAssistant.Evaluation.Registry;

/// <summary>
/// <see cref="IAdapterCatalog"/> in the scale-out mode's shared PostgreSQL database: every API process and worker
/// finds the adapters any of them registered (their files stay in the data directory, checked by SHA-256 before use).
/// </summary>
public sealed class PostgresAdapterCatalog(PostgresDatabase database) : IAdapterCatalog
{
    /// <summary>The table, as <see cref="SqliteAdapterCatalog"/> keeps it, with native times and JSON.</summary>
    public static ComponentSchema Schema { get; } = new("adapters", new SchemaMigration(1, "registered adapters", """
        CREATE TABLE adapters (
            id TEXT PRIMARY KEY,
            domain TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            folder TEXT NOT NULL,
            parents JSONB NOT NULL,
            lineage TEXT,
            created_at TIMESTAMPTZ NOT NULL,
            registered_by TEXT NOT NULL,
            UNIQUE (domain, sha256)
        );
        """));

    // lineage stays text: it is the lineage.json that came with the package, byte for byte.
    const string Columns = "id, domain, sha256, folder, parents::text, lineage, created_at, registered_by";

    public async Task<(RegisteredAdapter Adapter, bool Added)> AddAsync(RegisteredAdapter adapter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        var stored = adapter with { CreatedAt = PostgresTime.Stored(adapter.CreatedAt) };
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO adapters (id, domain, sha256, folder, parents, lineage, created_at, registered_by)
            VALUES (@id, @domain, @sha, @folder, @parents, @lineage, @created, @by)
            ON CONFLICT DO NOTHING
            """, connection))
        {
            insert.Parameters.AddWithValue("id", stored.Id);
            insert.Parameters.AddWithValue("domain", stored.Domain);
            insert.Parameters.AddWithValue("sha", stored.Sha256);
            insert.Parameters.AddWithValue("folder", stored.Folder);
            insert.Parameters.Add(new NpgsqlParameter("parents", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(stored.Parents) });
            insert.Parameters.Add(new NpgsqlParameter("lineage", NpgsqlDbType.Text) { Value = (object?)stored.Lineage ?? DBNull.Value });
            insert.Parameters.AddWithValue("created", stored.CreatedAt);
            insert.Parameters.AddWithValue("by", stored.RegisteredBy);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1) return (stored, true);
        }
        // Another process recorded it first: same id, or the same weights in the same domain.
        await using var select = new NpgsqlCommand($"SELECT {Columns} FROM adapters WHERE id = @id OR (domain = @domain AND sha256 = @sha) LIMIT 1", connection);
        select.Parameters.AddWithValue("id", adapter.Id);
        select.Parameters.AddWithValue("domain", adapter.Domain);
        select.Parameters.AddWithValue("sha", adapter.Sha256);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (Read(reader), false)
            : throw new InvalidOperationException($"Adapter {adapter.Id} was neither recorded nor found.");
    }

    public async Task<RegisteredAdapter?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var select = new NpgsqlCommand($"SELECT {Columns} FROM adapters WHERE id = @id", connection);
        select.Parameters.AddWithValue("id", id);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<RegisteredAdapter>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var select = new NpgsqlCommand($"SELECT {Columns} FROM adapters ORDER BY created_at DESC, id", connection);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var adapters = new List<RegisteredAdapter>();
        while (await reader.ReadAsync(cancellationToken)) adapters.Add(Read(reader));
        return adapters;
    }

    static RegisteredAdapter Read(NpgsqlDataReader row) => new(row.GetString(0), row.GetString(1), row.GetString(2), row.GetString(3),
        JsonSerializer.Deserialize<string[]>(row.GetString(4)) ?? [], row.IsDBNull(5) ? null : row.GetString(5),
        PostgresTime.Read(row, 6), row.GetString(7));
}
