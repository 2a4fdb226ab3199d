using DomainAssistant.Experiments.Analysis;
using DomainAssistant.Experiments.Flags;
using DomainAssistant.Experiments.Storage;
using DomainAssistant.Experiments.Tests.Support;
using DomainAssistant.Storage.PostgreSql;
using DomainAssistant.Storage.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;

namespace DomainAssistant.Experiments.Tests;

/// <summary>
/// A host's services with experiments added: flags beside configured ones, and the guardrail watch running, on the
/// experiments file or, when the host registered the shared database, on PostgreSQL.
/// </summary>
public sealed class ExperimentsRegistrationTests : IDisposable
{
    readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    ServiceProvider Services(TimeSpan guardrailInterval, PostgresDatabase? shared = null)
    {
        var services = new ServiceCollection();
        if (shared is not null) services.AddSingleton(shared);
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["feature_management:feature_flags:0:id"] = "AssistantAdapter",
            ["feature_management:feature_flags:0:enabled"] = "true",
            ["feature_management:feature_flags:0:variants:0:name"] = "current",
            ["feature_management:feature_flags:0:variants:0:configuration_value"] = "default",
            ["feature_management:feature_flags:0:allocation:default_when_enabled"] = "current",
        }).Build());
        services.AddFeatureManagement();
        services.AddExperiments(_folder.File("data/experiments.db"), guardrailInterval, flagRefresh: TimeSpan.Zero);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Experiment_flags_join_the_configured_ones_and_the_watch_rolls_back_on_its_own()
    {
        await using var services = Services(TimeSpan.FromMilliseconds(100));
        Assert.IsType<SqliteExperimentStore>(services.GetRequiredService<IExperimentStore>());
        await FlagsJoinAndTheWatchRollsBack(services);
    }

    [SkippableFact]
    public async Task In_the_scale_out_mode_the_same_host_keeps_its_experiments_in_the_shared_database()
    {
        await using var server = await ScratchPostgres.CreateAsync();
        await using var database = new PostgresDatabase(server.ConnectionString);
        await using var services = Services(TimeSpan.FromMilliseconds(100), database);

        Assert.IsType<PostgresExperimentStore>(services.GetRequiredService<IExperimentStore>());
        Assert.IsType<PostgresExperimentRecords>(services.GetRequiredService<IExperimentRecords>());
        await FlagsJoinAndTheWatchRollsBack(services);
        Assert.False(File.Exists(_folder.File("data/experiments.db")));
    }

    static async Task FlagsJoinAndTheWatchRollsBack(ServiceProvider services)
    {
        var store = services.GetRequiredService<IExperimentStore>();
        var records = services.GetRequiredService<IExperimentRecords>();
        var features = services.GetRequiredService<IVariantFeatureManager>();
        var experiment = await store.CreateAsync(ExperimentFiles.Draft("tidewell-support", percent: 50), "key:ops");
        var user = new TargetingContext { UserId = "key:u" };

        Assert.Equal("current", (await features.GetVariantAsync("AssistantAdapter", user, CancellationToken.None))!.Name);
        Assert.Equal(StickyAssignment.VariantFor(experiment, "key:u"),
            (await features.GetVariantAsync(ExperimentFlag.FeatureNameFor("tidewell-support"), user, CancellationToken.None))!.Name);

        // Every treatment message fails, no control message does.
        var now = DateTimeOffset.UtcNow;
        await records.RecordExposuresAsync([.. Enumerable.Range(0, 600).Select(i =>
        {
            string id = $"u{i}", variant = StickyAssignment.VariantFor(experiment, id);
            return new Exposure(experiment.Id, $"m{i}", id, variant, now, Failed: variant == ExperimentVariants.Treatment);
        })]);
        var watch = Assert.Single(services.GetServices<IHostedService>().OfType<GuardrailWatchService>());
        await watch.StartAsync(CancellationToken.None);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while ((await store.FindAsync(experiment.Id))!.Status == ExperimentStatus.Running && DateTime.UtcNow < deadline)
                await Task.Delay(50);
        }
        finally
        {
            await watch.StopAsync(CancellationToken.None);
        }

        Assert.Equal(ExperimentStatus.RolledBack, (await store.FindAsync(experiment.Id))!.Status);
        Assert.Equal(GuardrailWatch.Actor, (await store.ReadAuditAsync(experiment.Id))[^1].Actor);
        Assert.Equal(ExperimentVariants.Control,
            (await features.GetVariantAsync(ExperimentFlag.FeatureNameFor("tidewell-support"), user, CancellationToken.None))!.Name);
    }
}
