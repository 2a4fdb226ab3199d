using DomainAssistant.Experiments.Flags;
using DomainAssistant.Experiments.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;

namespace DomainAssistant.Experiments.Tests.Flags;

/// <summary>A real FeatureManager, built from a ServiceCollection with the experiments provider, reading a real SQLite file.</summary>
public sealed class ExperimentFeatureDefinitionsTests : IDisposable
{
    const string Domain = "tidewell-support";
    static readonly string Flag = ExperimentFlag.FeatureNameFor(Domain);
    static readonly string[] Users = [.. Enumerable.Range(0, 10_000).Select(i => $"key:user-{i}")];

    readonly ExperimentFiles _files = new();
    readonly ServiceProvider _services;
    readonly IVariantFeatureManager _features;

    public ExperimentFeatureDefinitionsTests()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IFeatureDefinitionProvider>(new ExperimentFeatureDefinitions(_files.Store, TimeSpan.FromSeconds(2), _files.Clock));
        services.AddFeatureManagement();
        _services = services.BuildServiceProvider();
        _features = _services.GetRequiredService<IVariantFeatureManager>();
    }

    public void Dispose()
    {
        _services.Dispose();
        _files.Dispose();
    }

    ManualClock Clock => (ManualClock)_files.Clock;

    async Task<Dictionary<string, string>> AssignAllAsync()
    {
        var assigned = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var user in Users)
        {
            var variant = await _features.GetVariantAsync(Flag, new TargetingContext { UserId = user }, CancellationToken.None);
            assigned[user] = variant!.Name;
        }
        return assigned;
    }

    [Fact]
    public async Task Users_are_split_in_the_configured_proportion_stickily_and_as_the_store_computes_it()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(Domain, percent: 20), "key:ops");

        var first = await AssignAllAsync();
        var second = await AssignAllAsync();

        Assert.Equal(first, second);
        // 20% of 10,000: 2,000, within four binomial standard deviations (√(10,000·0.2·0.8) = 40).
        Assert.InRange(first.Values.Count(v => v == ExperimentVariants.Treatment), 2000 - 160, 2000 + 160);
        Assert.All(Users, user => Assert.Equal(StickyAssignment.VariantFor(experiment, user), first[user]));
    }

    [Fact]
    public async Task The_variant_names_its_adapter_and_a_control_without_one_serves_the_default()
    {
        await _files.Store.CreateAsync(new ExperimentDraft("rl-2", Domain, null, "rl-2", 50), "key:ops");

        var adapters = new HashSet<string>(StringComparer.Ordinal);
        foreach (var user in Users.Take(200))
            adapters.Add((await _features.GetVariantAsync(Flag, new TargetingContext { UserId = user }, CancellationToken.None))!.Configuration!.Value!);

        Assert.Equal(["default", "rl-2"], adapters.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_percentage_change_is_seen_within_the_refresh_interval_and_treatment_users_stay_in_treatment()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(Domain, percent: 10), "key:ops");
        var at10 = await AssignAllAsync();

        await _files.Store.SetTreatmentPercentAsync(experiment.Id, 50, "key:ops");
        var cached = await AssignAllAsync();
        Clock.Advance(TimeSpan.FromSeconds(2));
        var at50 = await AssignAllAsync();

        Assert.Equal(at10, cached);
        Assert.InRange(at50.Values.Count(v => v == ExperimentVariants.Treatment), 5000 - 200, 5000 + 200);
        Assert.All(at10.Where(a => a.Value == ExperimentVariants.Treatment), a => Assert.Equal(ExperimentVariants.Treatment, at50[a.Key]));
    }

    [Fact]
    public async Task Paused_and_rolled_back_experiments_serve_the_control_to_all_and_promoted_ones_the_treatment()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(Domain, percent: 50), "key:ops");

        await _files.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.Paused, "key:ops");
        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.All((await AssignAllAsync()).Values, v => Assert.Equal(ExperimentVariants.Control, v));

        await _files.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.Running, "key:ops");
        await _files.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.Promoted, "key:ops");
        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.All((await AssignAllAsync()).Values, v => Assert.Equal(ExperimentVariants.Treatment, v));
    }

    [Fact]
    public async Task A_domain_without_experiments_has_no_flag_and_a_new_experiment_replaces_an_ended_one()
    {
        Assert.Null(await _features.GetVariantAsync(Flag, new TargetingContext { UserId = "key:u" }, CancellationToken.None));

        var first = await _files.Store.CreateAsync(ExperimentFiles.Draft(Domain, percent: 100), "key:ops");
        await _files.Store.ChangeStatusAsync(first.Id, ExperimentStatus.RolledBack, "key:ops");
        await _files.Store.CreateAsync(new ExperimentDraft("rl-3", Domain, "sft", "rl-3", 100), "key:ops");
        Clock.Advance(TimeSpan.FromSeconds(2));

        var variant = await _features.GetVariantAsync(Flag, new TargetingContext { UserId = "key:u" }, CancellationToken.None);
        Assert.Equal(("treatment", "rl-3"), (variant!.Name, variant.Configuration!.Value));
        Assert.Equal([Flag], await _features.GetFeatureNamesAsync(CancellationToken.None).ToListAsync());
    }
}
