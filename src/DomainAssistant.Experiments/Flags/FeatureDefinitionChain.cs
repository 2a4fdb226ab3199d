using Microsoft.FeatureManagement;

namespace DomainAssistant.Experiments.Flags;

/// <summary>
/// Several feature definition providers as one, for a feature manager that takes a single provider: a flag comes from
/// the first provider that defines it. Put <see cref="ExperimentFeatureDefinitions"/> before the configuration's
/// provider and a host keeps its configured flags (the static <c>AssistantAdapter</c>) while experiments add theirs.
/// </summary>
public sealed class FeatureDefinitionChain(params IFeatureDefinitionProvider[] providers) : IFeatureDefinitionProvider
{
    public async Task<FeatureDefinition> GetFeatureDefinitionAsync(string featureName)
    {
        foreach (var provider in providers)
        {
            if (await provider.GetFeatureDefinitionAsync(featureName) is { } definition) return definition;
        }
        // What each provider answers for an unknown flag: the feature manager reads it as "no such flag".
        return null!;
    }

    public async IAsyncEnumerable<FeatureDefinition> GetAllFeatureDefinitionsAsync()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var provider in providers)
        {
            await foreach (var definition in provider.GetAllFeatureDefinitionsAsync())
                if (seen.Add(definition.Name)) yield return definition;
        }
    }
}
