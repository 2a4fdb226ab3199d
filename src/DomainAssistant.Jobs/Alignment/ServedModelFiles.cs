using DomainAssistant.Storage.Lineage;
using DomainAssistant.Grounding;
using DomainAssistant.Jobs.Bootstrap;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.ServiceDefaults;
using DomainAssistant.Training.Sft;
using Microsoft.Extensions.Configuration;

namespace DomainAssistant.Jobs.Alignment;

/// <summary>
/// The model an alignment run starts from and gates against: the one the API serves. Read from the API's own keys
/// (<c>Model:Path</c> and the adapter <c>Model:DefaultAdapter</c> names in <c>Model:Adapters</c>), so a worker beside
/// it finds the same files; without <c>Model:Path</c>, the domain's shipped model when its checksums hold, else the
/// one bootstrapped under <c>Storage:DataDirectory</c>, as the API picks them.
/// </summary>
/// <param name="ConfiguredBase">Model:Path, or null.</param>
/// <param name="ConfiguredAdapter">The served adapter's folder with Model:Path, or null for the base alone.</param>
public sealed record ServedModelFiles(string? ConfiguredBase, string? ConfiguredAdapter)
{
    /// <exception cref="InvalidOperationException">Model:DefaultAdapter names no folder in Model:Adapters.</exception>
    public static ServedModelFiles From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var basePath = configuration["Model:Path"];
        if (string.IsNullOrWhiteSpace(basePath)) return new ServedModelFiles(null, null);
        var name = configuration["Model:DefaultAdapter"];
        if (string.IsNullOrWhiteSpace(name)) return new ServedModelFiles(basePath, null);
        var folder = configuration[$"Model:Adapters:{name}"];
        if (string.IsNullOrWhiteSpace(folder)) throw new InvalidOperationException($"Model:DefaultAdapter \"{name}\" names no folder in Model:Adapters.");
        return new ServedModelFiles(basePath, folder);
    }

    /// <summary>The base folder and the production adapter (null: the base alone) of <paramref name="domain"/>.</summary>
    /// <exception cref="InvalidOperationException">The domain has no model yet; the message says where one was looked for.</exception>
    public (string Base, string? Adapter) For(DomainProfile domain, StorageOptions storage, BootstrapOptions bootstrap)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(bootstrap);
        if (ConfiguredBase is not null) return (ConfiguredBase, ConfiguredAdapter);
        var shipped = Path.Combine(domain.Folder, "model");
        if (bootstrap.UseShippedModel && Directory.Exists(shipped) && FolderChecksums.Verify(shipped).Count == 0)
            return (Path.Combine(shipped, "base"), Path.Combine(shipped, "adapter"));
        var built = Path.GetFullPath(storage.BootstrapFolder(domain.Name));
        var adapter = Path.Combine(built, "adapters", DomainModelBootstrap.AdapterName);
        if (File.Exists(Path.Combine(adapter, LineageRecord.FileName)))
        {
            var reader = Path.Combine(built, "reader");
            return (File.Exists(Path.Combine(reader, LineageRecord.FileName)) ? reader : Path.Combine(built, "base"), adapter);
        }
        throw new InvalidOperationException($"the domain \"{domain.Name}\" has no model to align yet: no verified model in {shipped}, none bootstrapped in {built}, and Model:Path is not set.");
    }
}
