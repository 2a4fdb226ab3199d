using DomainAssistant.Experiments.Flags;
using DomainAssistant.Experiments.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;

namespace DomainAssistant.Experiments.Tests.Flags;

/// <summary>The Api's configured adapter flag and the experiments' flags through one real feature manager.</summary>
public sealed class FeatureDefinitionChainTests : IDisposable
{
    readonly ExperimentFiles _files = new();

    public void Dispose() => _files.Dispose();

    static IConfiguration StaticAdapterFlag(string name) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        // The Api's default: flag AssistantAdapter, one variant "current" serving the default adapter.
        ["feature_management:feature_flags:0:id"] = "AssistantAdapter",
        ["feature_management:feature_flags:0:enabled"] = "true",
        ["feature_management:feature_flags:0:variants:0:name"] = "current",
        ["feature_management:feature_flags:0:variants:0:configuration_value"] = "default",
        ["feature_management:feature_flags:0:allocation:default_when_enabled"] = "current",
        // A configured flag of the same name as an experiment's: the experiment's wins.
        ["feature_management:feature_flags:1:id"] = name,
        ["feature_management:feature_flags:1:enabled"] = "true",
        ["feature_management:feature_flags:1:variants:0:name"] = "configured",
        ["feature_management:feature_flags:1:allocation:default_when_enabled"] = "configured",
    }).Build();

    [Fact]
    public async Task Configured_flags_stay_and_experiment_flags_come_first()
    {
        string experimentFlag = ExperimentFlag.FeatureNameFor("tidewell-support");
        await _files.Store.CreateAsync(ExperimentFiles.Draft("tidewell-support", percent: 100), "key:ops");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IFeatureDefinitionProvider>(new FeatureDefinitionChain(
            new ExperimentFeatureDefinitions(_files.Store, clock: _files.Clock),
            new ConfigurationFeatureDefinitionProvider(StaticAdapterFlag(experimentFlag))));
        services.AddFeatureManagement();
        await using var provider = services.BuildServiceProvider();
        var features = provider.GetRequiredService<IVariantFeatureManager>();
        var user = new TargetingContext { UserId = "key:u" };

        var configured = await features.GetVariantAsync("AssistantAdapter", user, CancellationToken.None);
        var experiment = await features.GetVariantAsync(experimentFlag, user, CancellationToken.None);

        Assert.Equal(("current", "default"), (configured!.Name, configured.Configuration!.Value));
        Assert.Equal(("treatment", "rl-2"), (experiment!.Name, experiment.Configuration!.Value));
        Assert.Null(await features.GetVariantAsync("NoSuchFlag", user, CancellationToken.None));
        Assert.Equal(["AssistantAdapter", experimentFlag], (await features.GetFeatureNamesAsync(CancellationToken.None).ToListAsync()).Order(StringComparer.Ordinal));
    }
}
