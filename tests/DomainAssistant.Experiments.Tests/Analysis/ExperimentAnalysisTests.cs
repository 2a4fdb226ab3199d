using DomainAssistant.Experiments.Analysis;
using DomainAssistant.Experiments.Statistics;
using DomainAssistant.Experiments.Tests.Support;

namespace DomainAssistant.Experiments.Tests.Analysis;

public sealed class ExperimentAnalysisTests : IDisposable
{
    readonly ExperimentFiles _files = new();

    public void Dispose() => _files.Dispose();

    ExperimentAnalysis Analysis() => new(_files.Store, _files.Records);

    [Fact]
    public async Task A_clearly_better_treatment_is_reported_better_and_the_evidence_outlives_a_restart()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(percent: 50), "key:ops");
        await Traffic.ServeAsync(_files, experiment, users: 2000, seed: 1, upRate: v => v == ExperimentVariants.Treatment ? 0.62 : 0.50,
            variantOf: Traffic.Alternating);

        var report = await Analysis().AnalyseAsync(experiment.Id);

        var control = report.Variants[0];
        var treatment = report.Variants[1];
        Assert.Equal("sft", control.Adapter);
        Assert.Equal("rl-2", treatment.Adapter);
        Assert.Equal(2000, control.Exposures + treatment.Exposures);
        Assert.Equal(WilsonInterval.Of(new Proportion(treatment.RatingsUp, treatment.RatingsUp + treatment.RatingsDown)), treatment.UpRateInterval);
        Assert.Equal(treatment.UpRate - control.UpRate, report.Difference.Estimate, 12);
        Assert.Equal(ExperimentDecision.TreatmentBetter, report.Difference.Decision);
        Assert.True(report.Difference.Interval.Low > 0);
        Assert.False(report.UsersRatio.Mismatch);
        Assert.Empty(report.Breached);

        _files.Reopen();
        var stored = await _files.Store.FindAsync(experiment.Id);
        Assert.Equal(report.Difference.Sequential, stored!.Evidence);
        Assert.Equal(ExperimentDecision.TreatmentBetter, stored.Evidence.Decision);
    }

    [Fact]
    public async Task A_45_55_split_of_a_50_50_allocation_raises_sample_ratio_mismatch()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(percent: 50), "key:ops");
        // A broken assignment: 9 of every 20 users get the control, whatever the hash says.
        await Traffic.ServeAsync(_files, experiment, users: 2000, seed: 2, upRate: _ => 0.5,
            variantOf: (i, _) => i % 20 < 9 ? ExperimentVariants.Control : ExperimentVariants.Treatment);

        var report = await Analysis().AnalyseAsync(experiment.Id);

        Assert.Equal(20, report.UsersRatio.ChiSquare, 9);
        Assert.True(report.UsersRatio.Mismatch);
        Assert.True(report.RatersRatio.Mismatch);
    }

    [Fact]
    public async Task No_look_counts_before_each_arm_has_the_minimum_of_raters()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(percent: 50), "key:ops");
        // About 40 raters per arm and a large difference: not yet a look.
        await Traffic.ServeAsync(_files, experiment, users: 80, seed: 6, upRate: v => v == ExperimentVariants.Treatment ? 0.95 : 0.05,
            variantOf: Traffic.Alternating);

        var early = await Analysis().AnalyseAsync(experiment.Id);
        var lenient = await new ExperimentAnalysis(_files.Store, _files.Records, new ExperimentAnalysisOptions { MinimumUsersPerVariant = 10 }).AnalyseAsync(experiment.Id);

        Assert.Equal(SequentialEvidence.None, early.Difference.Sequential);
        Assert.Equal(ExperimentDecision.TreatmentBetter, lenient.Difference.Decision);
    }

    [Fact]
    public async Task An_ended_experiment_keeps_the_evidence_it_ended_with()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(percent: 50), "key:ops");
        await Traffic.ServeAsync(_files, experiment, users: 2000, seed: 5, upRate: v => v == ExperimentVariants.Treatment ? 0.7 : 0.5,
            variantOf: Traffic.Alternating);
        await _files.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.Promoted, "key:ops");

        var report = await Analysis().AnalyseAsync(experiment.Id);

        // Its data would now show a clear win, but no look was taken while it ran.
        Assert.True(report.Difference.Interval.Low > 0);
        Assert.Equal(SequentialEvidence.None, report.Difference.Sequential);
        Assert.Equal(SequentialEvidence.None, (await _files.Store.FindAsync(experiment.Id))!.Evidence);
    }
}
