using DomainAssistant.Evaluation.Registry;
using DomainAssistant.Experiments.Rollout;

namespace DomainAssistant.Api.Experiments;

/// <summary>
/// Whether a treatment may be served to everyone, for an operator's promotion and the rollout's alike: it is a
/// registered adapter whose file is still the one registered, with a passing gate verdict on it (issue 17).
/// </summary>
public sealed class RegisteredAdapterPromotion(IAdapterRegistry registry, AdapterRelease release) : IPromotionCheck
{
    public async Task<string?> WhyNotPromotableAsync(string adapterId, CancellationToken cancellationToken)
    {
        if (await registry.FindAsync(adapterId, cancellationToken) is not { } adapter) return $"\"{adapterId}\" is not a registered adapter.";
        return await release.WhyNotReleasableAsync(adapter, cancellationToken);
    }
}
