using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Jobs;
using DomainAssistant.Contracts;
using DomainAssistant.Grounding;
using DomainAssistant.Jobs.Bootstrap;
using DomainAssistant.Model.Checkpoints;

namespace DomainAssistant.Api.Serving;

/// <summary>
/// The embedded default model when <c>Model:Path</c> is unset. The domain's shipped model (domains/{domain}/model:
/// base/ and adapter/, produced by `da bootstrap`) is served when its checksums hold; a corrupt or missing file is
/// logged by name and the model is bootstrapped instead, as a job (<see cref="BootstrapDomainModel"/>) run by this
/// process's job handlers or a worker's (<c>Jobs:RunInProcess</c>; <see cref="DomainModelBootstrap"/>): built once
/// under <c>Storage:DataDirectory</c>/models/bootstrap/{domain} with progress in the log and on /health, and reused on
/// every later start.
/// </summary>
public sealed partial class BootstrapModelSource(BootstrapOptions options, DomainCatalog domains, IRetrievalWarmup index, JobReports jobs,
    ILogger<BootstrapModelSource> logger) : IModelSource
{
    /// <summary>The adapter name of the bootstrapped (and shipped) grounded adapter.</summary>
    public const string AdapterName = DomainModelBootstrap.AdapterName;

    /// <summary>A domain's shipped model: <c>{domain folder}/model</c> with base/, adapter/ and checksums.sha256.</summary>
    public static string ShippedFolder(DomainProfile domain) => Path.Combine(domain.Folder, "model");

    public async Task<ModelLocation> ResolveAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var domain = domains.Find(options.Domain)
            ?? throw new InvalidOperationException(options.Domain is null
                ? "Model:Path is not set and there is no domain to bootstrap a model from (Domains:Root has none)."
                : $"Model:Bootstrap:Domain \"{options.Domain}\" is not a domain under {domains.Root}.");
        if (options.UseShippedModel && Shipped(domain) is { } shipped) return shipped;

        // The grounded examples are laid out with the index, so it must be ready (without waiting for a model) first.
        progress.Report("bootstrapping: waiting for the index to lay out grounded examples");
        await index.WhenReadyWithoutModelAsync(cancellationToken);
        var job = new BootstrapDomainModel(Guid.NewGuid(), domain.Name, domain.Folder);
        progress.Report($"bootstrapping: job {job.JobId} started for {domain.Name}");
        var built = await jobs.BootstrapAsync(job, progress, cancellationToken);
        return new ModelLocation(built.ServedBase, null, $"bootstrap-{domain.Name}",
            new Dictionary<string, string> { [built.AdapterName] = built.AdapterFolder }, built.AdapterName);
    }

    /// <summary>The shipped model when the domain has one and every file matches its checksum; null (logged) otherwise.</summary>
    ModelLocation? Shipped(DomainProfile domain)
    {
        var folder = ShippedFolder(domain);
        if (!Directory.Exists(folder)) return null;
        var problems = FolderChecksums.Verify(folder);
        if (problems.Count > 0)
        {
            foreach (var problem in problems) LogShippedCorrupt(problem);
            LogFallingBack(domain.Name);
            return null;
        }
        LogServingShipped(folder);
        return new ModelLocation(Path.Combine(folder, "base"), null, $"{domain.Name}-grounded",
            new Dictionary<string, string> { [AdapterName] = Path.Combine(folder, "adapter") }, AdapterName);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving the domain's shipped model from {Folder} (checksums verified)")]
    partial void LogServingShipped(string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shipped model: {Problem}")]
    partial void LogShippedCorrupt(string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shipped model of {Domain} failed its checksum check: bootstrapping a model instead (minutes on a CPU)")]
    partial void LogFallingBack(string domain);
}
