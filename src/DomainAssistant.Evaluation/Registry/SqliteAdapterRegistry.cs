using System.Globalization;
using System.Text.Json;
using DomainAssistant.Model.Lora;
using DomainAssistant.Storage;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Evaluation.Registry;

/// <summary>
/// The registry in <c>adapters.db</c> under the data folder, each adapter's files in <c>adapters/{id}/</c> beside it.
/// A package is unpacked into a staging folder, checked there, and only then moved into place and recorded, so a
/// refused or half-written package never becomes an adapter.
/// </summary>
public sealed class SqliteAdapterRegistry(string dataDirectory, AdapterLimits limits, TimeProvider clock) : IAdapterRegistry, IDisposable
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
    readonly string _root = Path.GetFullPath(Path.Combine(dataDirectory, "adapters"));

    // Two uploads of the same weights must not both move a folder into the same place.
    readonly SemaphoreSlim _placing = new(1, 1);

    public async Task<(RegisteredAdapter Adapter, bool Created)> RegisterZipAsync(Stream zip, AdapterRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zip);
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentException.ThrowIfNullOrWhiteSpace(registration.Domain);
        foreach (var parent in registration.Parents)
            if (await FindAsync(parent, cancellationToken) is null)
                throw new AdapterRejectedException(AdapterRejection.Invalid, $"parent '{parent}' is not a registered adapter.");

        var staging = Path.Combine(_root, ".staging", Guid.NewGuid().ToString("N"));
        try
        {
            await Task.Run(() => Unpack(zip, staging, registration), cancellationToken);
            var sha = PeftAdapter.WeightsSha256(staging);
            var lineagePath = Path.Combine(staging, AdapterArchive.LineageFileName);
            var lineage = File.Exists(lineagePath) ? await File.ReadAllTextAsync(lineagePath, cancellationToken) : null;
            var id = $"{registration.Domain}-{sha[..12]}";
            await _placing.WaitAsync(cancellationToken);
            try
            {
                if (await FindAsync(id, cancellationToken) is { } existing) return (existing, false);
                var folder = Path.Combine(_root, id);
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); // files of a registration that never reached the database
                Directory.Move(staging, folder);
                var adapter = new RegisteredAdapter(id, registration.Domain, sha, folder, registration.Parents, lineage, clock.GetUtcNow(), registration.RegisteredBy);
                await InsertAsync(adapter, cancellationToken);
                return (adapter, true);
            }
            finally
            {
                _placing.Release();
            }
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    void Unpack(Stream zip, string staging, AdapterRegistration registration)
    {
        try
        {
            AdapterArchive.Extract(zip, staging, limits);
        }
        catch (InvalidDataException e)
        {
            // A damaged entry only shows when it is inflated.
            throw new AdapterRejectedException(AdapterRejection.NotAZip, $"the zip archive is damaged ({e.Message})", e);
        }
        LoraTensorCheck.Check(staging, registration.BaseConfig);
        var lineage = Path.Combine(staging, AdapterArchive.LineageFileName);
        if (!File.Exists(lineage)) return;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(lineage));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new AdapterRejectedException(AdapterRejection.Invalid, $"{AdapterArchive.LineageFileName} must hold a JSON object.");
        }
        catch (JsonException e)
        {
            throw new AdapterRejectedException(AdapterRejection.Invalid, $"{AdapterArchive.LineageFileName} is not valid JSON ({e.Message}).", e);
        }
    }

    async Task InsertAsync(RegisteredAdapter adapter, CancellationToken cancellationToken)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO adapters ({Columns}) VALUES ($id, $domain, $sha, $folder, $parents, $lineage, $created, $by)";
        command.Parameters.AddWithValue("$id", adapter.Id);
        command.Parameters.AddWithValue("$domain", adapter.Domain);
        command.Parameters.AddWithValue("$sha", adapter.Sha256);
        command.Parameters.AddWithValue("$folder", adapter.Folder);
        command.Parameters.AddWithValue("$parents", JsonSerializer.Serialize(adapter.Parents));
        command.Parameters.AddWithValue("$lineage", (object?)adapter.Lineage ?? DBNull.Value);
        command.Parameters.AddWithValue("$created", adapter.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$by", adapter.RegisteredBy);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<RegisteredAdapter?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var found = await QueryAsync("WHERE id = $id", id, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public Task<IReadOnlyList<RegisteredAdapter>> ListAsync(CancellationToken cancellationToken) =>
        QueryAsync("ORDER BY created_at DESC, id", null, cancellationToken);

    async Task<IReadOnlyList<RegisteredAdapter>> QueryAsync(string where, string? id, CancellationToken cancellationToken)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM adapters {where}";
        if (id is not null) command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var adapters = new List<RegisteredAdapter>();
        while (await reader.ReadAsync(cancellationToken)) adapters.Add(Read(reader));
        return adapters;
    }

    static RegisteredAdapter Read(SqliteDataReader row) => new(row.GetString(0), row.GetString(1), row.GetString(2), row.GetString(3),
        JsonSerializer.Deserialize<string[]>(row.GetString(4)) ?? [], row.IsDBNull(5) ? null : row.GetString(5),
        DateTimeOffset.Parse(row.GetString(6), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), row.GetString(7));

    public void Dispose() => _placing.Dispose();
}
