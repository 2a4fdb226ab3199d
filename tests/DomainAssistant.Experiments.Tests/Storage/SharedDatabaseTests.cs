using DomainAssistant.Experiments.Flags;
using DomainAssistant.Experiments.Storage;
using DomainAssistant.Experiments.Tests.Support;
using DomainAssistant.Storage.PostgreSql;
using DomainAssistant.Storage.Tests;

namespace DomainAssistant.Experiments.Tests.Storage;

/// <summary>
/// Two API processes of the scale-out mode on one PostgreSQL database, each with its own pool and objects: an
/// operator's change through one reaches the other's flags once its refresh interval has passed.
/// </summary>
public sealed class SharedDatabaseTests
{
    [SkippableFact]
    public async Task A_change_made_through_one_process_reaches_the_other_processes_flags_after_its_refresh()
    {
        await using var server = await ScratchPostgres.CreateAsync();
        await using var operatorProcess = new PostgresDatabase(server.ConnectionString);
        await using var chatProcess = new PostgresDatabase(server.ConnectionString);
        var clock = new ManualClock();
        var flags = new ExperimentFeatureDefinitions(new PostgresExperimentStore(chatProcess, clock), TimeSpan.FromSeconds(2), clock);
        var operators = new PostgresExperimentStore(operatorProcess, clock);
        string flag = ExperimentFlag.FeatureNameFor("tidewell-support");
        Assert.Null((await flags.GetFeatureDefinitionAsync(flag))?.Allocation?.Percentile);

        var experiment = await operators.CreateAsync(ExperimentFiles.Draft("tidewell-support", percent: 10), "key:ops");
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(10, (await flags.GetFeatureDefinitionAsync(flag)).Allocation.Percentile.First().To);

        await operators.ChangeStatusAsync(experiment.Id, ExperimentStatus.RolledBack, "key:ops");
        var stale = await flags.GetFeatureDefinitionAsync(flag);
        clock.Advance(TimeSpan.FromSeconds(2));
        var fresh = await flags.GetFeatureDefinitionAsync(flag);

        // Within the refresh interval the chat process may still serve the old split; after it, the rollback.
        Assert.Equal(10, stale.Allocation.Percentile.First().To);
        Assert.Null(fresh.Allocation.Percentile);
        Assert.Equal(ExperimentVariants.Control, fresh.Allocation.DefaultWhenEnabled);
    }
}
