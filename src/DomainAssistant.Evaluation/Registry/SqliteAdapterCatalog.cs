using System.Globalization;
using System.Text.Json;
using DomainAssistant.Storage;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Evaluation.Registry;

/// <summary><see cref="IAdapterCatalog"/> in <c>adapters.db</c> under the data folder (the embedded mode).</summary>
public sealed class SqliteAdapterCatalog(string dataDirectory) : IAdapterCatalog
{
    public const string FileName = "adapters.db";

    const string Schema = """
        CREATE TABLE IF NOT EXISTS adapters (
            id TEXT PRIMARY KEY,
            domain TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            folder TEXT NOT NULL,
            parents TEXT NOT NULL,
            lineage TEXT,
            created_at TEXT NOT NULL,
            registered_by TEXT NOT NULL,
            UNIQUE (domain, sha256)
        );
        """;

    const string Columns = "id, domain, sha256, folder, parents, lineage, created_at, registered_by";

    readonly SqliteFile _file = new(Path.Combine(dataDirectory, FileName), Schema);

    public async Task<(RegisteredAdapter Adapter, bool Added)> AddAsync(RegisteredAdapter adapter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        await using (var connection = await _file.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"INSERT INTO adapters ({Columns}) VALUES ($id, $domain, $sha, $folder, $parents, $lineage, $created, $by) ON CONFLICT DO NOTHING";
            command.Parameters.AddWithValue("$id", adapter.Id);
            command.Parameters.AddWithValue("$domain", adapter.Domain);
            command.Parameters.AddWithValue("$sha", adapter.Sha256);
            command.Parameters.AddWithValue("$folder", adapter.Folder);
            command.Parameters.AddWithValue("$parents", JsonSerializer.Serialize(adapter.Parents));
            command.Parameters.AddWithValue("$lineage", (object?)adapter.Lineage ?? DBNull.Value);
            command.Parameters.AddWithValue("$created", adapter.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$by", adapter.RegisteredBy);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 1) return (adapter, true);
        }
        return (await RecordedAsync(adapter, cancellationToken), false);
    }

    // The row that took the adapter's place: same id, or the same weights in the same domain.
    async Task<RegisteredAdapter> RecordedAsync(RegisteredAdapter adapter, CancellationToken cancellationToken)
    {
        var found = await QueryAsync("WHERE id = $id OR (domain = $domain AND sha256 = $sha)", p =>
        {
            p.AddWithValue("$id", adapter.Id);
            p.AddWithValue("$domain", adapter.Domain);
            p.AddWithValue("$sha", adapter.Sha256);
        }, cancellationToken);
        return found.Count > 0 ? found[0] : throw new InvalidOperationException($"Adapter {adapter.Id} was neither recorded nor found.");
    }

    public async Task<RegisteredAdapter?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var found = await QueryAsync("WHERE id = $id", p => p.AddWithValue("$id", id), cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public Task<IReadOnlyList<RegisteredAdapter>> ListAsync(CancellationToken cancellationToken) =>
        QueryAsync("ORDER BY created_at DESC, id", null, cancellationToken);

    async Task<IReadOnlyList<RegisteredAdapter>> QueryAsync(string where, Action<SqliteParameterCollection>? bind, CancellationToken cancellationToken)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM adapters {where}";
        bind?.Invoke(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var adapters = new List<RegisteredAdapter>();
        while (await reader.ReadAsync(cancellationToken)) adapters.Add(Read(reader));
        return adapters;
    }

    static RegisteredAdapter Read(SqliteDataReader row) => new(row.GetString(0), row.GetString(1), row.GetString(2), row.GetString(3),
        JsonSerializer.Deserialize<string[]>(row.GetString(4)) ?? [], row.IsDBNull(5) ? null : row.GetString(5),
        DateTimeOffset.Parse(row.GetString(6), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), row.GetString(7));
}
