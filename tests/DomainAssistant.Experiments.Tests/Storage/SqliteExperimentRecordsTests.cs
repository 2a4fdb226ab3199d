using DomainAssistant.Experiments.Guardrails;
using DomainAssistant.Experiments.Statistics;
using DomainAssistant.Experiments.Tests.Support;

namespace DomainAssistant.Experiments.Tests.Storage;

public sealed class SqliteExperimentRecordsTests : IDisposable
{
    readonly ExperimentFiles _files = new();

    public void Dispose() => _files.Dispose();

    DateTimeOffset Now => _files.Clock.GetUtcNow();

    Exposure Served(Experiment experiment, string message, string user, string variant, double? latency = null, bool failed = false) =>
        new(experiment.Id, message, user, variant, Now, latency, failed);

    [Fact]
    public async Task A_message_is_exposed_once_however_often_it_is_reported()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");

        Assert.True(await _files.Records.RecordExposureAsync(Served(experiment, "m1", "u1", ExperimentVariants.Treatment)));
        Assert.False(await _files.Records.RecordExposureAsync(Served(experiment, "m1", "u1", ExperimentVariants.Treatment)));

        var tallies = await _files.Records.TallyAsync(experiment);
        Assert.Equal([0L, 1L], tallies.Select(t => t.Exposures));
    }

    [Fact]
    public async Task Nothing_is_recorded_while_the_experiment_is_paused()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");
        await _files.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.Paused, "key:ops");

        Assert.False(await _files.Records.RecordExposureAsync(Served(experiment, "m1", "u1", ExperimentVariants.Control)));
    }

    [Fact]
    public async Task Ratings_count_for_the_variant_that_served_the_message_and_a_change_of_mind_replaces_the_first()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");
        await _files.Records.RecordExposuresAsync([
            Served(experiment, "c1", "u1", ExperimentVariants.Control), Served(experiment, "c2", "u1", ExperimentVariants.Control),
            Served(experiment, "t1", "u2", ExperimentVariants.Treatment), Served(experiment, "t2", "u3", ExperimentVariants.Treatment)]);

        Assert.True(await _files.Records.RecordRatingAsync(new Rating(experiment.Id, "c1", Up: true, Now)));
        Assert.True(await _files.Records.RecordRatingAsync(new Rating(experiment.Id, "t1", Up: true, Now)));
        Assert.True(await _files.Records.RecordRatingAsync(new Rating(experiment.Id, "t1", Up: false, Now)));
        Assert.True(await _files.Records.RecordRatingAsync(new Rating(experiment.Id, "t2", Up: true, Now)));
        Assert.False(await _files.Records.RecordRatingAsync(new Rating(experiment.Id, "never-served", Up: true, Now)));

        _files.Reopen();
        var tallies = await _files.Records.TallyAsync(experiment);

        // Per user: u1 one up of one rating (c2 unrated); u2 none of one, u3 one of one.
        Assert.Equal(new VariantTally(ExperimentVariants.Control, 2, 1, 1, 0, 0, 0, 0, null, 1, 1, new UserCounts(1, 1, 1, 1, 1, 1)), tallies[0]);
        Assert.Equal(new VariantTally(ExperimentVariants.Treatment, 2, 2, 1, 1, 0, 0, 0, null, 2, 2, new UserCounts(2, 1, 2, 1, 2, 1)), tallies[1]);
    }

    [Fact]
    public async Task Latency_p95_is_the_nearest_rank_and_slow_messages_are_counted_against_a_budget()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");
        // Latencies 1..100 ms: the nearest-rank p95 is the 95th smallest, 95 ms; five exceed 95 ms.
        await _files.Records.RecordExposuresAsync([.. Enumerable.Range(1, 100).Select(i =>
            Served(experiment, $"m{i}", $"u{i % 7}", ExperimentVariants.Treatment, latency: i, failed: i % 10 == 0))]);

        var treatment = (await _files.Records.TallyAsync(experiment))[1];

        Assert.Equal(95, treatment.LatencyP95);
        Assert.Equal(100, treatment.TimedExposures);
        Assert.Equal(10, treatment.Errors);
        Assert.Equal(7, treatment.Users);
        var slow = await _files.Records.GuardrailCountsAsync(experiment.Id, new Guardrail(GuardrailMetric.LatencyP95, 95));
        Assert.Equal((7L, 5L, 100L), (slow[1].Users, slow[1].Events, slow[1].Trials));
        Assert.Equal(UserCounts.None, slow[0]);
        var errors = await _files.Records.GuardrailCountsAsync(experiment.Id, new Guardrail(GuardrailMetric.ErrorRate, 0.01));
        Assert.Equal(10, errors[1].Events);
        Assert.Null((await _files.Records.TallyAsync(experiment))[0].LatencyP95);
    }

    [Fact]
    public async Task Users_since_the_allocation_began_count_only_those_seen_after_a_percentage_change()
    {
        var clock = (ManualClock)_files.Clock;
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");
        await _files.Records.RecordExposuresAsync([Served(experiment, "m1", "early", ExperimentVariants.Control)]);
        clock.Advance(TimeSpan.FromMinutes(1));
        experiment = await _files.Store.SetTreatmentPercentAsync(experiment.Id, 50, "key:ops");
        clock.Advance(TimeSpan.FromMinutes(1));
        await _files.Records.RecordExposuresAsync([Served(experiment, "m2", "late", ExperimentVariants.Control)]);

        var control = (await _files.Records.TallyAsync(experiment))[0];

        Assert.Equal(2, control.Users);
        Assert.Equal(1, control.UsersSinceAllocation);
    }

    [Fact]
    public async Task The_timeline_sums_each_variant_from_the_start_to_the_end_of_every_bucket()
    {
        var start = Now;
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");
        await _files.Records.RecordExposuresAsync([
            new Exposure(experiment.Id, "m1", "u1", ExperimentVariants.Control, start.AddMinutes(10)),
            new Exposure(experiment.Id, "m2", "u2", ExperimentVariants.Treatment, start.AddMinutes(70))]);
        await _files.Records.RecordRatingsAsync([
            new Rating(experiment.Id, "m1", Up: true, start.AddMinutes(20)),
            new Rating(experiment.Id, "m2", Up: false, start.AddMinutes(130))]);

        var timeline = await _files.Records.TimelineAsync(experiment, TimeSpan.FromHours(1));

        Assert.Equal(
        [
            new TimelinePoint(start.AddHours(1), ExperimentVariants.Control, 1, 1, 1),
            new TimelinePoint(start.AddHours(1), ExperimentVariants.Treatment, 0, 0, 0),
            new TimelinePoint(start.AddHours(2), ExperimentVariants.Control, 1, 1, 1),
            new TimelinePoint(start.AddHours(2), ExperimentVariants.Treatment, 1, 0, 0),
            new TimelinePoint(start.AddHours(3), ExperimentVariants.Control, 1, 1, 1),
            new TimelinePoint(start.AddHours(3), ExperimentVariants.Treatment, 1, 0, 1),
        ], timeline);
        Assert.Empty(await _files.Records.TimelineAsync(await _files.Store.CreateAsync(ExperimentFiles.Draft("other"), "key:ops"), TimeSpan.FromHours(1)));
    }
}
