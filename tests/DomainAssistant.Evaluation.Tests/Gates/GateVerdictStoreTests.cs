using DomainAssistant.Evaluation.Gates;

namespace DomainAssistant.Evaluation.Tests.Gates;

public sealed class GateVerdictStoreTests : IDisposable
{
    readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("da-verdicts-");

    public void Dispose() => _folder.Delete(recursive: true);

    static GateVerdict Verdict(string candidate, bool passed, DateTimeOffset at)
    {
        var threshold = new MetricThreshold(GateMetric.DeclineRate, Min: 0.5, MaxDrop: 0.1);
        var metric = new MetricResult(GateMetric.DeclineRate, 34, passed ? 0.8 : 0.2, new Interval(0.6, 0.9), 0.8, new Interval(0.6, 0.9),
            new Interval(-0.1, 0.1), threshold, passed, passed ? "ok" : "0.2 is below the minimum 0.5");
        return new GateVerdict("tidewell", "suite-sha", candidate, null, "base-sha", [metric], at);
    }

    [Fact]
    public async Task Verdicts_survive_reopening_and_the_newest_one_decides()
    {
        var at = new DateTimeOffset(2026, 12, 6, 7, 0, 0, TimeSpan.Zero);
        await new GateVerdictStore(_folder.FullName).AddAsync(Verdict("aaaa", passed: true, at));
        var reopened = new GateVerdictStore(_folder.FullName);
        Assert.Null(await reopened.WhyNotReleasableAsync("aaaa"));

        await reopened.AddAsync(Verdict("aaaa", passed: false, at.AddHours(1)));
        var why = await new GateVerdictStore(_folder.FullName).WhyNotReleasableAsync("aaaa");
        Assert.Contains("decline_rate: 0.2 is below the minimum 0.5", why, StringComparison.Ordinal);

        var stored = await reopened.ForCandidateAsync("aaaa");
        Assert.Equal(2, stored.Count);
        Assert.Equal(new Interval(-0.1, 0.1), stored[0].Metrics[0].Difference);
        Assert.Equal(at.AddHours(1), stored[0].CreatedAt);
    }

    [Fact]
    public async Task An_adapter_never_gated_is_refused_with_what_to_do()
    {
        var why = await new GateVerdictStore(_folder.FullName).WhyNotReleasableAsync("bbbbbbbbbbbbbbbbbbbb");
        Assert.Contains("has no gate verdict", why, StringComparison.Ordinal);
        Assert.Contains("da eval gate", why, StringComparison.Ordinal);
    }
}
