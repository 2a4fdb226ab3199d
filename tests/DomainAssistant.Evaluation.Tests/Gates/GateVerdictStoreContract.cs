using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Storage.Tests;

namespace DomainAssistant.Evaluation.Tests.Gates;

/// <summary>
/// What every <see cref="IGateVerdictStore"/> does, run against each implementation (SQLite for the embedded mode,
/// PostgreSQL for scale-out) by the classes below. The store under test is a factory: each call opens the same
/// database anew, as a restart or another process would.
/// </summary>
public abstract class GateVerdictStoreContract : StoreContract<Func<IGateVerdictStore>>
{
    IGateVerdictStore Open() => Store();

    static GateVerdict Verdict(string candidate, bool passed, DateTimeOffset at, double estimate = 0.8)
    {
        var threshold = new MetricThreshold(GateMetric.DeclineRate, Min: 0.5, MaxDrop: 0.1);
        var metric = new MetricResult(GateMetric.DeclineRate, 34, passed ? estimate : 0.2, new Interval(0.6, 0.9), 0.8, new Interval(0.6, 0.9),
            new Interval(-0.1, 0.1), threshold, passed, passed ? "ok" : "0.2 is below the minimum 0.5");
        return new GateVerdict("tidewell", "suite-sha", candidate, null, "base-sha", [metric], at);
    }

    [SkippableFact]
    public async Task Verdicts_survive_reopening_and_the_newest_one_decides()
    {
        var at = new DateTimeOffset(2026, 12, 6, 7, 0, 0, TimeSpan.Zero);
        await Open().AddAsync(Verdict("aaaa", passed: true, at));
        var reopened = Open();
        Assert.Null(await reopened.WhyNotReleasableAsync("aaaa"));

        await reopened.AddAsync(Verdict("aaaa", passed: false, at.AddHours(1)));
        var why = await Open().WhyNotReleasableAsync("aaaa");
        Assert.Contains("decline_rate: 0.2 is below the minimum 0.5", why, StringComparison.Ordinal);

        var stored = await reopened.ForCandidateAsync("aaaa");
        Assert.Equal(2, stored.Count);
        Assert.Equal(new Interval(-0.1, 0.1), stored[0].Metrics[0].Difference);
        Assert.Equal(at.AddHours(1), stored[0].CreatedAt);
    }

    [SkippableFact]
    public async Task An_adapter_never_gated_is_refused_with_what_to_do()
    {
        var why = await Open().WhyNotReleasableAsync("bbbbbbbbbbbbbbbbbbbb");
        Assert.Contains("has no gate verdict", why, StringComparison.Ordinal);
        Assert.Contains("da eval gate", why, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_last_verdict_added_decides_even_when_it_was_judged_earlier_and_other_adapters_stay_apart()
    {
        var at = new DateTimeOffset(2026, 12, 6, 7, 0, 0, TimeSpan.Zero);
        var store = Open();
        var first = await store.AddAsync(Verdict("cccc", passed: false, at.AddHours(2)));
        var second = await store.AddAsync(Verdict("cccc", passed: true, at) with { BaselineSha256 = "dddd", ReportPath = "/data/gates/r/report.md" });
        await store.AddAsync(Verdict("eeee", passed: false, at));

        Assert.True(second > first);
        Assert.Null(await store.WhyNotReleasableAsync("cccc"));
        var newest = (await store.ForCandidateAsync("cccc"))[0];
        Assert.Equal(("dddd", "/data/gates/r/report.md", "pass"), (newest.BaselineSha256, newest.ReportPath, newest.Verdict));
        Assert.NotNull(await store.WhyNotReleasableAsync("eeee"));
    }

    [SkippableFact]
    public async Task A_NaN_metric_which_JSON_has_no_number_for_survives()
    {
        var verdict = Verdict("ffff", passed: true, new DateTimeOffset(2026, 12, 6, 7, 0, 0, TimeSpan.Zero), estimate: double.NaN);

        await Open().AddAsync(verdict);

        Assert.True(double.IsNaN((await Open().ForCandidateAsync("ffff"))[0].Metrics[0].Candidate));
    }

    [SkippableFact]
    public async Task Verdicts_stored_at_once_by_several_processes_are_all_kept()
    {
        var at = new DateTimeOffset(2026, 12, 6, 7, 0, 0, TimeSpan.Zero);

        var ids = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => Open().AddAsync(Verdict("9999", passed: i % 2 == 0, at.AddMinutes(i))))));

        Assert.Equal(12, ids.Distinct().Count());
        Assert.Equal(12, (await Open().ForCandidateAsync("9999")).Count);
    }
}

public sealed class SqliteGateVerdictStoreTests : GateVerdictStoreContract
{
    protected override Task<StoreLease<Func<IGateVerdictStore>>> OpenAsync() =>
        StoreBackends.Sqlite<Func<IGateVerdictStore>>(folder => () => new SqliteGateVerdictStore(folder));
}

public sealed class PostgresGateVerdictStoreTests : GateVerdictStoreContract
{
    protected override Task<StoreLease<Func<IGateVerdictStore>>> OpenAsync() =>
        StoreBackends.Postgres<Func<IGateVerdictStore>>(database => () => new PostgresGateVerdictStore(database));
}
