using DomainAssistant.Experiments.Flags;
using DomainAssistant.Experiments.Storage;
using DomainAssistant.Experiments.Tests.Support;

namespace DomainAssistant.Experiments.Tests.Storage;

/// <summary>
/// Two hosts on one experiments file, each with its own objects, as two API processes would have (concurrent changes
/// are facts of every engine: <see cref="ExperimentStoreContract"/>).
/// </summary>
public sealed class SharedFileTests : IDisposable
{
    readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    SqliteExperimentStore Host() => new(new ExperimentDatabase(_folder.File("experiments.db")));

    [Fact]
    public async Task A_change_made_by_one_host_reaches_the_other_hosts_flags_after_its_refresh()
    {
        var operatorHost = Host();
        var chatHost = Host();
        var clock = new ManualClock();
        var flags = new ExperimentFeatureDefinitions(chatHost, TimeSpan.FromSeconds(2), clock);
        var experiment = await operatorHost.CreateAsync(ExperimentFiles.Draft("tidewell-support", percent: 10), "key:ops");
        string flag = ExperimentFlag.FeatureNameFor("tidewell-support");
        Assert.Equal(10, (await flags.GetFeatureDefinitionAsync(flag)).Allocation.Percentile.First().To);

        await operatorHost.ChangeStatusAsync(experiment.Id, ExperimentStatus.RolledBack, "key:ops");
        clock.Advance(TimeSpan.FromSeconds(2));

        var definition = await flags.GetFeatureDefinitionAsync(flag);
        Assert.Null(definition.Allocation.Percentile);
        Assert.Equal(ExperimentVariants.Control, definition.Allocation.DefaultWhenEnabled);
    }
}
