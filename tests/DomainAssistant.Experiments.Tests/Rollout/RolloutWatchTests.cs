using DomainAssistant.Experiments.Analysis;
using DomainAssistant.Experiments.Rollout;
using DomainAssistant.Experiments.Tests.Support;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Experiments.Tests.Rollout;

/// <summary>The rollout applied to the real store: ramps, then promotes, each with an audit entry by "rollout" and a log line.</summary>
public sealed class RolloutWatchTests : IDisposable
{
    static readonly RolloutPolicy Policy = new() { MinRatersPerStep = 50, InconclusiveAfterRatings = 20_000 };

    readonly ManualClock _clock = new();
    readonly ExperimentFiles _files;

    public RolloutWatchTests() => _files = new ExperimentFiles(_clock);

    public void Dispose() => _files.Dispose();

    sealed class Promotable(string? why) : IPromotionCheck
    {
        public Task<string?> WhyNotPromotableAsync(string adapterId, CancellationToken cancellationToken) => Task.FromResult(why);
    }

    RolloutWatch Watch(RecordingLogger<RolloutWatch> logger, string? whyNotPromotable = null) =>
        new(_files.Store, new ExperimentAnalysis(_files.Store, _files.Records), Policy, new Promotable(whyNotPromotable), logger);

    // New users of one step, served after the step began and split as the flag splits them (anything else would be a
    // sample ratio mismatch, which holds); the treatment rated up far more often.
    async Task ServeStepAsync(Experiment experiment, int step)
    {
        _clock.Advance(TimeSpan.FromMinutes(1));
        await Traffic.ServeAsync(_files, (await _files.Store.FindAsync(experiment.Id))!, users: 1500, seed: step,
            upRate: v => v == ExperimentVariants.Treatment ? 0.8 : 0.4, firstUser: 1500 * step);
        _clock.Advance(TimeSpan.FromMinutes(1)); // the look comes later: the next step's allocation begins after these users
    }

    [Fact]
    public async Task A_better_treatment_is_ramped_step_by_step_then_promoted_each_change_audited_by_the_rollout()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(percent: 10, ramp: [25, 50]), "key:ops");
        var logger = new RecordingLogger<RolloutWatch>();
        var watch = Watch(logger);

        Assert.Empty(await watch.CheckAsync()); // no raters yet at this step
        var actions = new List<RolloutAction>();
        for (var step = 0; step < 3; step++)
        {
            await ServeStepAsync(experiment, step);
            actions.AddRange((await watch.CheckAsync()).Select(c => c.Step.Action));
        }

        Assert.Equal([RolloutAction.Ramp, RolloutAction.Ramp, RolloutAction.Promote], actions);
        var final = (await _files.Store.FindAsync(experiment.Id))!;
        Assert.Equal((ExperimentStatus.Promoted, 50.0), (final.Status, final.TreatmentPercent));
        var audit = await _files.Store.ReadAuditAsync(experiment.Id);
        Assert.Equal(["create", "ramp", "ramp", "promote"], audit.Select(a => a.Action));
        Assert.All(audit.Skip(1), a => Assert.Equal(RolloutWatch.Actor, a.Actor));
        Assert.Contains("ramp to 25%", audit[1].Reason, StringComparison.Ordinal);
        Assert.Contains("treatment better than control", audit[3].Reason, StringComparison.Ordinal);
        Assert.Equal(3, logger.Lines.Count(l => l.Level == LogLevel.Information));
        Assert.Equal("rl-2", ProductionAdapter.Of(await _files.Store.ListAsync(), experiment.Domain));
    }

    [Fact]
    public async Task A_promotion_the_host_refuses_is_a_rollback_naming_why()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(percent: 50), "key:ops");
        await ServeStepAsync(experiment, 0);

        var changed = await Watch(new RecordingLogger<RolloutWatch>(), "rl-2: its weights file changed").CheckAsync();

        Assert.Equal(RolloutAction.RollBack, Assert.Single(changed).Step.Action);
        var entry = (await _files.Store.ReadAuditAsync(experiment.Id))[^1];
        Assert.Equal(("rollback", RolloutWatch.Actor), (entry.Action, entry.Actor));
        Assert.Contains("its weights file changed", entry.Reason, StringComparison.Ordinal);
        Assert.Equal("sft", ProductionAdapter.Of(await _files.Store.ListAsync(), experiment.Domain));
    }
}
