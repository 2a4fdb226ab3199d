using DomainAssistant.Experiments.Flags;
using DomainAssistant.Experiments.Statistics;
using DomainAssistant.Experiments.Storage;
using DomainAssistant.Experiments.Tests.Support;

namespace DomainAssistant.Experiments.Tests.Storage;

/// <summary>Two hosts on one experiments file, each with its own objects, as two API processes would have.</summary>
public sealed class SharedFileTests : IDisposable
{
    readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    SqliteExperimentStore Host() => new(new ExperimentDatabase(_folder.File("experiments.db")));

    [Fact]
    public async Task Concurrent_changes_from_two_hosts_are_all_applied_and_all_audited()
    {
        var first = Host();
        var second = Host();
        var experiment = await first.CreateAsync(ExperimentFiles.Draft(percent: 0), "key:ops");

        await Task.WhenAll(Enumerable.Range(1, 20).Select(i => Task.Run(() =>
            (i % 2 == 0 ? first : second).SetTreatmentPercentAsync(experiment.Id, i, $"key:op-{i}"))));
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).AddEvidenceAsync(
            experiment.Id, new SequentialLook(0, 0.5 - i / 100.0, new ConfidenceInterval(-0.3 + i / 100.0, 0.3 - i / 200.0))))));

        var audit = await second.ReadAuditAsync(experiment.Id);
        Assert.Equal(21, audit.Count);
        Assert.Equal(20, audit.Select(a => a.Actor).Distinct().Count(a => a.StartsWith("key:op-", StringComparison.Ordinal)));
        // The last change audited is the one in force, and the evidence is the running minimum and intersection.
        var stored = (await first.FindAsync(experiment.Id))!;
        Assert.Contains($"\"treatmentPercent\":{stored.TreatmentPercent}", audit[^1].After, StringComparison.Ordinal);
        Assert.Equal(new SequentialEvidence(0.5 - 19 / 100.0, -0.3 + 19 / 100.0, 0.3 - 19 / 200.0), stored.Evidence);
    }

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
