using DomainAssistant.Experiments.Guardrails;
using DomainAssistant.Experiments.Statistics;
using DomainAssistant.Experiments.Tests.Support;
using DomainAssistant.Storage.Tests;

namespace DomainAssistant.Experiments.Tests.Storage;

/// <summary>
/// What every <see cref="IExperimentRecords"/> counts, run against each implementation (SQLite for the embedded mode,
/// PostgreSQL for scale-out) by the classes below.
/// </summary>
public abstract class ExperimentRecordsContract : StoreContract<ExperimentBackend>
{
    ExperimentBackend Backend => Store;

    DateTimeOffset Now => Backend.Clock.GetUtcNow();

    Exposure Served(Experiment experiment, string message, string user, string variant, double? latency = null, bool failed = false) =>
        new(experiment.Id, message, user, variant, Now, latency, failed);

    [SkippableFact]
    public async Task A_message_is_exposed_once_however_often_it_is_reported()
    {
        var experiment = await Backend.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");

        Assert.True(await Backend.Records.RecordExposureAsync(Served(experiment, "m1", "u1", ExperimentVariants.Treatment)));
        Assert.False(await Backend.Records.RecordExposureAsync(Served(experiment, "m1", "u1", ExperimentVariants.Treatment)));

        var tallies = await Backend.Records.TallyAsync(experiment);
        Assert.Equal([0L, 1L], tallies.Select(t => t.Exposures));
    }

    [SkippableFact]
    public async Task Nothing_is_recorded_while_the_experiment_is_paused()
    {
        var experiment = await Backend.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");
        await Backend.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.Paused, "key:ops");

        Assert.False(await Backend.Records.RecordExposureAsync(Served(experiment, "m1", "u1", ExperimentVariants.Control)));
    }

    [SkippableFact]
    public async Task Ratings_count_for_the_variant_that_served_the_message_and_a_change_of_mind_replaces_the_first()
    {
        var experiment = await Backend.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");
        await Backend.Records.RecordExposuresAsync([
            Served(experiment, "c1", "u1", ExperimentVariants.Control), Served(experiment, "c2", "u1", ExperimentVariants.Control),
            Served(experiment, "t1", "u2", ExperimentVariants.Treatment), Served(experiment, "t2", "u3", ExperimentVariants.Treatment)]);

        Assert.True(await Backend.Records.RecordRatingAsync(new Rating(experiment.Id, "c1", Up: true, Now)));
        Assert.True(await Backend.Records.RecordRatingAsync(new Rating(experiment.Id, "t1", Up: true, Now)));
        Assert.True(await Backend.Records.RecordRatingAsync(new Rating(experiment.Id, "t1", Up: false, Now)));
        Assert.True(await Backend.Records.RecordRatingAsync(new Rating(experiment.Id, "t2", Up: true, Now)));
        Assert.False(await Backend.Records.RecordRatingAsync(new Rating(experiment.Id, "never-served", Up: true, Now)));

        Backend.Reopen();
        var tallies = await Backend.Records.TallyAsync(experiment);

        // Per user: u1 one up of one rating (c2 unrated); u2 none of one, u3 one of one.
        Assert.Equal(new VariantTally(ExperimentVariants.Control, 2, 1, 1, 0, 0, 0, 0, null, 1, 1, new UserCounts(1, 1, 1, 1, 1, 1)), tallies[0]);
        Assert.Equal(new VariantTally(ExperimentVariants.Treatment, 2, 2, 1, 1, 0, 0, 0, null, 2, 2, new UserCounts(2, 1, 2, 1, 2, 1)), tallies[1]);
    }

    [SkippableFact]
    public async Task Latency_p95_is_the_nearest_rank_and_slow_messages_are_counted_against_a_budget()
    {
        var experiment = await Backend.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");
        // Latencies 1..100 ms: the nearest-rank p95 is the 95th smallest, 95 ms; five exceed 95 ms.
        await Backend.Records.RecordExposuresAsync([.. Enumerable.Range(1, 100).Select(i =>
            Served(experiment, $"m{i}", $"u{i % 7}", ExperimentVariants.Treatment, latency: i, failed: i % 10 == 0))]);

        var treatment = (await Backend.Records.TallyAsync(experiment))[1];

        Assert.Equal(95, treatment.LatencyP95);
        Assert.Equal(100, treatment.TimedExposures);
        Assert.Equal(10, treatment.Errors);
        Assert.Equal(7, treatment.Users);
        var slow = await Backend.Records.GuardrailCountsAsync(experiment.Id, new Guardrail(GuardrailMetric.LatencyP95, 95));
        Assert.Equal((7L, 5L, 100L), (slow[1].Users, slow[1].Events, slow[1].Trials));
        Assert.Equal(UserCounts.None, slow[0]);
        var errors = await Backend.Records.GuardrailCountsAsync(experiment.Id, new Guardrail(GuardrailMetric.ErrorRate, 0.01));
        Assert.Equal(10, errors[1].Events);
        Assert.Null((await Backend.Records.TallyAsync(experiment))[0].LatencyP95);
    }

    [SkippableFact]
    public async Task Users_since_the_allocation_began_count_only_those_seen_after_a_percentage_change()
    {
        var clock = Backend.Clock;
        var experiment = await Backend.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");
        await Backend.Records.RecordExposuresAsync([Served(experiment, "m1", "early", ExperimentVariants.Control)]);
        clock.Advance(TimeSpan.FromMinutes(1));
        experiment = await Backend.Store.SetTreatmentPercentAsync(experiment.Id, 50, "key:ops");
        clock.Advance(TimeSpan.FromMinutes(1));
        await Backend.Records.RecordExposuresAsync([Served(experiment, "m2", "late", ExperimentVariants.Control)]);

        var control = (await Backend.Records.TallyAsync(experiment))[0];

        Assert.Equal(2, control.Users);
        Assert.Equal(1, control.UsersSinceAllocation);
    }

    [SkippableFact]
    public async Task The_timeline_sums_each_variant_from_the_start_to_the_end_of_every_bucket()
    {
        var start = Now;
        var experiment = await Backend.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");
        await Backend.Records.RecordExposuresAsync([
            new Exposure(experiment.Id, "m1", "u1", ExperimentVariants.Control, start.AddMinutes(10)),
            new Exposure(experiment.Id, "m2", "u2", ExperimentVariants.Treatment, start.AddMinutes(70))]);
        await Backend.Records.RecordRatingsAsync([
            new Rating(experiment.Id, "m1", Up: true, start.AddMinutes(20)),
            new Rating(experiment.Id, "m2", Up: false, start.AddMinutes(130))]);

        var timeline = await Backend.Records.TimelineAsync(experiment, TimeSpan.FromHours(1));

        Assert.Equal(
        [
            new TimelinePoint(start.AddHours(1), ExperimentVariants.Control, 1, 1, 1),
            new TimelinePoint(start.AddHours(1), ExperimentVariants.Treatment, 0, 0, 0),
            new TimelinePoint(start.AddHours(2), ExperimentVariants.Control, 1, 1, 1),
            new TimelinePoint(start.AddHours(2), ExperimentVariants.Treatment, 1, 0, 0),
            new TimelinePoint(start.AddHours(3), ExperimentVariants.Control, 1, 1, 1),
            new TimelinePoint(start.AddHours(3), ExperimentVariants.Treatment, 1, 0, 1),
        ], timeline);
        Assert.Empty(await Backend.Records.TimelineAsync(await Backend.Store.CreateAsync(ExperimentFiles.Draft("other"), "key:ops"), TimeSpan.FromHours(1)));
    }

    [SkippableFact]
    public async Task Thumbs_down_declines_and_a_batch_that_rates_one_message_twice_count_per_user()
    {
        var experiment = await Backend.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");
        await Backend.Records.RecordExposuresAsync([
            new Exposure(experiment.Id, "m1", "u1", ExperimentVariants.Control, Now, Declined: true),
            new Exposure(experiment.Id, "m2", "u1", ExperimentVariants.Control, Now),
            new Exposure(experiment.Id, "m3", "u2", ExperimentVariants.Control, Now, Declined: true)]);

        Assert.Equal(2, await Backend.Records.RecordRatingsAsync([
            new Rating(experiment.Id, "m1", Up: true, Now), new Rating(experiment.Id, "m1", Up: false, Now)]));
        await Backend.Records.RecordRatingAsync(new Rating(experiment.Id, "m3", Up: false, Now));

        var down = await Backend.Records.GuardrailCountsAsync(experiment.Id, new Guardrail(GuardrailMetric.ThumbsDownRate, 0.2));
        var declines = await Backend.Records.GuardrailCountsAsync(experiment.Id, new Guardrail(GuardrailMetric.DeclineRate, 0.2));

        // u1: one thumbs down (m1, the later rating) of two messages; u2: one of one.
        Assert.Equal(new UserCounts(2, 2, 3, 2, 5, 3), down[0]);
        Assert.Equal(new UserCounts(2, 2, 3, 2, 5, 3), declines[0]);
        Assert.Equal(UserCounts.None, down[1]);
        var control = (await Backend.Records.TallyAsync(experiment))[0];
        Assert.Equal((0L, 2L, 2L), (control.RatingsUp, control.RatingsDown, control.Declines));
    }
}

public sealed class SqliteExperimentRecordsTests : ExperimentRecordsContract
{
    protected override Task<StoreLease<ExperimentBackend>> OpenAsync() => ExperimentBackends.Sqlite();
}

public sealed class PostgresExperimentRecordsTests : ExperimentRecordsContract
{
    protected override Task<StoreLease<ExperimentBackend>> OpenAsync() => ExperimentBackends.Postgres();
}
