using DomainAssistant.Evaluation.Gates;

namespace DomainAssistant.Evaluation.Tests.Gates;

public sealed class GateReportTests : IDisposable
{
    readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("da-report-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void The_report_shows_each_metric_the_chart_and_the_failing_cases_with_model_text_escaped()
    {
        var judge = new GateJudge(new Bootstrap(1));
        var declines = judge.Judge(new MetricThreshold(GateMetric.DeclineRate, MaxDrop: 0.05),
            MetricSample.Rate(Enumerable.Range(0, 30).Select(i => i < 5)), MetricSample.Rate(Enumerable.Range(0, 30).Select(i => i < 27)));
        var kl = judge.Judge(new MetricThreshold(GateMetric.KlToBaseline, Max: 1), new MetricSample([0.2, 0.3], [1, 1]), null);
        var verdict = new GateVerdict("tidewell", "s", "c", "b", "m", [declines, kl], DateTimeOffset.UnixEpoch);
        var finding = new CaseFinding("ood7", GateMetric.DeclineRate, "Who won the 1966 World Cup?", "<script>alert(1)</script> England [1]", "answered instead of declining");

        var html = GateReport.Write(_folder.FullName, verdict, [finding]);

        Assert.False(verdict.Passed);
        var page = File.ReadAllText(html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", page, StringComparison.Ordinal);
        Assert.Contains("<svg", page, StringComparison.Ordinal);
        var markdown = File.ReadAllText(Path.Combine(_folder.FullName, "report.md"));
        Assert.Contains("| decline_rate |", markdown, StringComparison.Ordinal);
        Assert.Contains("**fail**", markdown, StringComparison.Ordinal);
        Assert.Contains("| kl_to_baseline | - | 0.25", markdown, StringComparison.Ordinal);
        Assert.Contains("ood7", markdown, StringComparison.Ordinal);
        var png = File.ReadAllBytes(Path.Combine(_folder.FullName, "chart.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }
}
