using System.Text.Json;
using DomainAssistant.Model.Lora;

namespace DomainAssistant.Evaluation.Registry;

/// <summary>
/// The registry: each adapter's files in <c>adapters/{id}/</c> under the data folder, what it knows about them in an
/// <see cref="IAdapterCatalog"/> (SQLite beside them, or the shared PostgreSQL database in the scale-out mode).
/// A package is unpacked into a staging folder, checked there, and only then moved into place and recorded, so a
/// refused or half-written package never becomes an adapter.
/// </summary>
public sealed class AdapterRegistry(string dataDirectory, IAdapterCatalog catalog, AdapterLimits limits, TimeProvider clock) : IAdapterRegistry, IDisposable
{
    readonly string _root = Path.GetFullPath(Path.Combine(dataDirectory, "adapters"));

    // Two uploads of the same weights must not both move a folder into the same place. In this process only: processes
    // sharing a data folder can still race here, which the shared file storage of a later step settles; the catalog
    // already keeps one record however they interleave.
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
                return await catalog.AddAsync(adapter, cancellationToken);
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

    public Task<RegisteredAdapter?> FindAsync(string id, CancellationToken cancellationToken) => catalog.FindAsync(id, cancellationToken);

    public Task<IReadOnlyList<RegisteredAdapter>> ListAsync(CancellationToken cancellationToken) => catalog.ListAsync(cancellationToken);

    public void Dispose() => _placing.Dispose();
}
