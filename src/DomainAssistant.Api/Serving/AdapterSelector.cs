using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;

namespace DomainAssistant.Api.Serving;

/// <summary>Which adapter answers a request, and the flag variant that chose it.</summary>
/// <param name="Variant">The feature-flag variant; null when the flag is not configured.</param>
/// <param name="Adapter">The resident adapter; null = the base model.</param>
/// <param name="Checksum">The adapter's weights checksum; null for the base model.</param>
public sealed record AdapterChoice(string? Variant, string? Adapter, string? Checksum);

/// <summary>
/// Picks the adapter per request from the feature flag <see cref="FeatureName"/> (Microsoft.FeatureManagement
/// variants). Each variant's configuration value names an adapter: an adapter name, <c>"default"</c> (the model's
/// default adapter) or <c>""</c>/<c>"base"</c> (no adapter). Allocation is by user id, so a user keeps their variant
/// across requests and restarts. Without the flag, the model's default adapter serves everyone.
/// </summary>
public sealed partial class AdapterSelector(IVariantFeatureManager features, ILogger<AdapterSelector> logger)
{
    public const string FeatureName = "AssistantAdapter";

    public async Task<AdapterChoice> ChooseAsync(string userId, LoadedModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var variant = await features.GetVariantAsync(FeatureName, new TargetingContext { UserId = userId }, cancellationToken);
        var requested = variant is null
            ? model.DefaultAdapter
            : variant.Configuration?.Value?.Trim() switch
            {
                null or "" or "base" => null,
                "default" => model.DefaultAdapter,
                var name => name,
            };
        if (requested is null) return new AdapterChoice(variant?.Name, null, null);
        if (model.Adapters.TryGetValue(requested, out var adapter)) return new AdapterChoice(variant?.Name, adapter.Name, adapter.Checksum);
        // A misconfigured variant must not take chat down: the base answers, and the record says so truthfully.
        LogUnknownAdapter(variant?.Name ?? "(none)", requested);
        return new AdapterChoice(variant?.Name, null, null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flag variant {Variant} names adapter {Adapter}, which is not loaded; the base model answers")]
    partial void LogUnknownAdapter(string variant, string adapter);
}
