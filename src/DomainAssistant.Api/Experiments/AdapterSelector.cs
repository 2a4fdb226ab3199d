using DomainAssistant.Api.Serving;
using DomainAssistant.Experiments.Flags;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;

namespace DomainAssistant.Api.Experiments;

/// <summary>Which adapter answers a request, and the flag variant that chose it.</summary>
/// <param name="Variant">The feature-flag variant; null when no flag is configured.</param>
/// <param name="Adapter">The resident adapter; null = the base model.</param>
/// <param name="Checksum">The adapter's weights checksum; null for the base model.</param>
/// <param name="ExperimentId">The experiment whose flag chose it (its exposure is recorded); null for the static flag.</param>
public sealed record AdapterChoice(string? Variant, string? Adapter, string? Checksum, string? ExperimentId = null);

/// <summary>
/// Picks the adapter per request from feature flags (Microsoft.FeatureManagement variants): first the domain's
/// experiment flag (<see cref="ExperimentFlag.FeatureNameFor"/>, served from the experiments store), then the static
/// flag <see cref="FeatureName"/> from configuration. Each variant's value names an adapter: an adapter name (an
/// experiment's are registry ids, loaded on first use after their checksum and gate verdict are checked),
/// <c>"default"</c> (the model's default adapter) or <c>""</c>/<c>"base"</c> (no adapter). Allocation is by user id,
/// so a user keeps their variant across requests, processes and restarts. Without either flag, the model's default
/// adapter serves everyone.
/// </summary>
public sealed partial class AdapterSelector(IVariantFeatureManager features, ExperimentAdapters experimentAdapters, ExperimentRecorder experiments,
    ILogger<AdapterSelector> logger)
{
    public const string FeatureName = "AssistantAdapter";

    public async Task<AdapterChoice> ChooseAsync(string userId, string domain, LoadedModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var targeting = new TargetingContext { UserId = userId };
        if (await features.GetVariantAsync(ExperimentFlag.FeatureNameFor(domain), targeting, cancellationToken) is { } experimentVariant)
            return await FromExperimentAsync(experimentVariant, domain, model, cancellationToken);

        var variant = await features.GetVariantAsync(FeatureName, targeting, cancellationToken);
        var requested = variant is null ? model.DefaultAdapter : Requested(variant, model);
        if (requested is null) return new AdapterChoice(variant?.Name, null, null);
        if (model.Adapters.TryGetValue(requested, out var adapter)) return new AdapterChoice(variant?.Name, adapter.Name, adapter.Checksum);
        // A misconfigured variant must not take chat down: the base answers, and the record says so truthfully.
        LogUnknownAdapter(variant?.Name ?? "(none)", requested);
        return new AdapterChoice(variant?.Name, null, null);
    }

    static string? Requested(Variant variant, LoadedModel model) => variant.Configuration?.Value?.Trim() switch
    {
        null or "" or "base" => null,
        ExperimentFlag.DefaultAdapter => model.DefaultAdapter,
        var name => name,
    };

    async Task<AdapterChoice> FromExperimentAsync(Variant variant, string domain, LoadedModel model, CancellationToken cancellationToken)
    {
        var experiment = await experiments.CurrentAsync(domain, cancellationToken);
        var requested = Requested(variant, model);
        if (requested is null) return new AdapterChoice(variant.Name, null, null, experiment?.Id);
        try
        {
            var adapter = model.Adapters.TryGetValue(requested, out var resident) ? resident
                : await experimentAdapters.ResidentAsync(requested, domain, model, cancellationToken);
            return new AdapterChoice(variant.Name, adapter.Name, adapter.Checksum, experiment?.Id);
        }
        catch (AdapterNotServableException refused)
        {
            // Never the refused file: the host's default answers, outside the experiment (no variant, no exposure),
            // so the experiment's figures hold only what its variants really served.
            LogRefused(refused, experiment?.Id ?? "(none)", variant.Name, requested);
            var fallback = model.DefaultAdapter is { } name && model.Adapters.TryGetValue(name, out var info) ? info : null;
            return new AdapterChoice(null, fallback?.Name, fallback?.Checksum);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flag variant {Variant} names adapter {Adapter}, which is not loaded; the base model answers")]
    partial void LogUnknownAdapter(string variant, string adapter);

    [LoggerMessage(Level = LogLevel.Error, Message = "Experiment {Experiment}: variant {Variant} names adapter {Adapter}, which the host refuses to serve; the default adapter answers outside the experiment")]
    partial void LogRefused(Exception reason, string experiment, string variant, string adapter);
}
