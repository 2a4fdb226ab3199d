using DomainAssistant.Api.Domains;
using DomainAssistant.Evaluation.Registry;
using DomainAssistant.Experiments;

namespace DomainAssistant.Api.Operator;

/// <summary>
/// The one way an experiment is created, whether an operator posts it or the rollout starts it after an alignment
/// run: the domain is known; each adapter it names is registered, of that domain, unchanged since registered and
/// with a passing gate verdict (issue 17); the draft is valid; and the store admits one live experiment per domain.
/// </summary>
public sealed class ExperimentLaunch(DomainCatalog catalog, IAdapterRegistry registry, AdapterRelease release, IExperimentStore store)
{
    /// <exception cref="ExperimentRefusedException">The domain is unknown or an adapter may not reach users.</exception>
    /// <exception cref="ArgumentException">The draft is invalid.</exception>
    /// <exception cref="ExperimentConflictException">The domain already has a live experiment.</exception>
    public async Task<Experiment> CreateAsync(ExperimentDraft draft, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (catalog.Find(draft.Domain) is null) throw new ExperimentRefusedException("Unknown domain", $"No domain is named \"{draft.Domain}\".", "domain");
        foreach (var (role, id) in new[] { ("treatment", draft.TreatmentAdapter), ("control", draft.ControlAdapter) })
        {
            if (id is null) continue;
            if (await registry.FindAsync(id, cancellationToken) is not { } adapter)
                throw new ExperimentRefusedException("Unknown adapter", $"{role} \"{id}\" is not a registered adapter.");
            if (adapter.Domain != draft.Domain)
                throw new ExperimentRefusedException("Adapter of another domain", $"{role} \"{id}\" belongs to domain \"{adapter.Domain}\", not \"{draft.Domain}\".");
            if (await release.WhyNotReleasableAsync(adapter, cancellationToken) is { } why)
                throw new ExperimentRefusedException("Adapter not releasable", $"{role} {why}");
        }
        draft.Validate();
        return await store.CreateAsync(draft, actor, cancellationToken);
    }
}
