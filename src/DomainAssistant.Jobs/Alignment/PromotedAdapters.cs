using DomainAssistant.Evaluation.Registry;
using DomainAssistant.Experiments;

namespace DomainAssistant.Jobs.Alignment;

/// <summary>
/// The folder of the adapter an experiment made the domain's production adapter (<see cref="ProductionAdapter"/>,
/// a registry id), for the next alignment run to start from and its gate to judge against. Null when the experiments
/// leave production to the host's configured adapter: <see cref="ServedModelFiles"/> then says which it is.
/// </summary>
public sealed class PromotedAdapters(IExperimentStore experiments, IAdapterRegistry registry)
{
    /// <exception cref="InvalidOperationException">The production adapter is not registered, or its file changed since it was.</exception>
    public async Task<string?> FolderAsync(string domain, CancellationToken cancellationToken)
    {
        if (await ProductionAdapter.OfAsync(experiments, domain, cancellationToken) is not { } id) return null;
        var adapter = await registry.FindAsync(id, cancellationToken)
            ?? throw new InvalidOperationException($"the production adapter of \"{domain}\", {id}, is not in the adapter registry.");
        // Training on, or gating against, a file other than the one users were tested on would break the lineage.
        if (AdapterRelease.WhyChanged(adapter) is { } changed)
            throw new InvalidOperationException($"the production adapter of \"{domain}\" cannot be trained from: {changed}");
        return adapter.Folder;
    }
}
