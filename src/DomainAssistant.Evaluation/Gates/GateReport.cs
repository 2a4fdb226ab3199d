using System.Globalization;
using System.Net;
using System.Text;

namespace DomainAssistant.Evaluation.Gates;

/// <summary>
/// The verdict as a person reads it: <c>report.md</c> and <c>report.html</c> (the chart inline, every model answer
/// escaped as text) in one folder: the verdict, per metric baseline against candidate with intervals and the reason,
/// then the cases that counted against the candidate with question, answer and why.
/// </summary>
public static class GateReport
{
    /// <summary>Findings listed per metric, at most; the rest are counted.</summary>
    public const int FindingsPerMetric = 20;

    /// <returns>The HTML report's path.</returns>
    public static string Write(string folder, GateVerdict verdict, IReadOnlyList<CaseFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        ArgumentNullException.ThrowIfNull(findings);
        Directory.CreateDirectory(folder);
        var charted = GateChart.Write(verdict.Metrics, folder);
        File.WriteAllText(Path.Combine(folder, "report.md"), Markdown(verdict, findings, charted));
        var html = Path.Combine(folder, "report.html");
        var svg = charted ? File.ReadAllText(Path.Combine(folder, "chart.svg")) : null;
        File.WriteAllText(html, Html(verdict, findings, svg));
        return html;
    }

    static string Markdown(GateVerdict verdict, IReadOnlyList<CaseFinding> findings, bool charted)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Gate {verdict.Suite}: {verdict.Verdict.ToUpperInvariant()}").AppendLine();
        foreach (var (label, value) in Identity(verdict)) text.AppendLine(CultureInfo.InvariantCulture, $"- {label}: `{value}`");
        text.AppendLine().AppendLine("| metric | baseline | candidate | candidate - baseline (95%) | threshold | verdict | why |")
            .AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var m in verdict.Metrics)
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {m.Metric.Name()} | {Value(m.Baseline, m.BaselineInterval)} | {Value(m.Candidate, m.CandidateInterval)} | {Range(m.Difference)} | {Threshold(m.Threshold)} | {(m.Passed ? "pass" : "**fail**")} | {Cell(m.Reason)} |");
        if (charted) text.AppendLine().AppendLine("![baseline and candidate with 95% intervals](chart.png)");
        foreach (var group in findings.GroupBy(f => f.Metric))
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## Cases against the candidate: {group.Key.Name()} ({group.Count()})").AppendLine()
                .AppendLine("| case | question | answer | why |").AppendLine("| --- | --- | --- | --- |");
            foreach (var f in group.Take(FindingsPerMetric)) text.AppendLine(CultureInfo.InvariantCulture, $"| {f.CaseId} | {Cell(f.Question)} | {Cell(f.Answer)} | {Cell(f.Why)} |");
            if (group.Count() > FindingsPerMetric) text.AppendLine(CultureInfo.InvariantCulture, $"\n{group.Count() - FindingsPerMetric} more not listed.");
        }
        return text.ToString();
    }

    static string Html(GateVerdict verdict, IReadOnlyList<CaseFinding> findings, string? svg)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.AppendLine("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .AppendLine(CultureInfo.InvariantCulture, $"<title>Gate {E(verdict.Suite)}: {verdict.Verdict}</title>")
            .AppendLine("<style>body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}.fail{color:#b00020;font-weight:600}.pass{color:#146c2e;font-weight:600}code{font-size:.85em}</style></head><body>")
            .AppendLine(CultureInfo.InvariantCulture, $"<h1>Gate {E(verdict.Suite)}: <span class=\"{verdict.Verdict}\">{verdict.Verdict.ToUpperInvariant()}</span></h1><ul>");
        foreach (var (label, value) in Identity(verdict)) html.AppendLine(CultureInfo.InvariantCulture, $"<li>{E(label)}: <code>{E(value)}</code></li>");
        html.AppendLine("</ul><table><tr><th>metric</th><th>baseline</th><th>candidate</th><th>candidate - baseline (95%)</th><th>threshold</th><th>verdict</th><th>why</th></tr>");
        foreach (var m in verdict.Metrics)
            html.AppendLine(CultureInfo.InvariantCulture,
                $"<tr><td>{m.Metric.Name()}</td><td>{E(Value(m.Baseline, m.BaselineInterval))}</td><td>{E(Value(m.Candidate, m.CandidateInterval))}</td><td>{E(Range(m.Difference))}</td><td>{E(Threshold(m.Threshold))}</td><td class=\"{(m.Passed ? "pass" : "fail")}\">{(m.Passed ? "pass" : "fail")}</td><td>{E(m.Reason)}</td></tr>");
        html.AppendLine("</table>");
        if (svg is not null) html.AppendLine("<figure>").AppendLine(svg).AppendLine("<figcaption>Rate metrics, baseline and candidate, with 95% bootstrap intervals.</figcaption></figure>");
        foreach (var group in findings.GroupBy(f => f.Metric))
        {
            html.AppendLine(CultureInfo.InvariantCulture, $"<h2>Cases against the candidate: {group.Key.Name()} ({group.Count()})</h2><table><tr><th>case</th><th>question</th><th>answer</th><th>why</th></tr>");
            foreach (var f in group.Take(FindingsPerMetric))
                html.AppendLine(CultureInfo.InvariantCulture, $"<tr><td>{E(f.CaseId)}</td><td>{E(f.Question)}</td><td>{E(f.Answer)}</td><td>{E(f.Why)}</td></tr>");
            html.AppendLine("</table>");
            if (group.Count() > FindingsPerMetric) html.AppendLine(CultureInfo.InvariantCulture, $"<p>{group.Count() - FindingsPerMetric} more not listed.</p>");
        }
        return html.AppendLine("</body></html>").ToString();
    }

    static IEnumerable<(string Label, string Value)> Identity(GateVerdict verdict) =>
    [
        ("candidate adapter SHA-256", verdict.CandidateSha256),
        ("baseline adapter SHA-256", verdict.BaselineSha256 ?? "(none: the base model)"),
        ("base model SHA-256", verdict.BaseModelSha256),
        ("suite SHA-256", verdict.SuiteSha256),
        ("judged at", verdict.CreatedAt.ToString("u", CultureInfo.InvariantCulture)),
    ];

    static string Value(double? value, Interval? interval) =>
        value is not { } v || double.IsNaN(v) ? "-" : interval is { } i && !double.IsNaN(i.Low) ? $"{F(v)} [{F(i.Low)}, {F(i.High)}]" : F(v);

    static string Range(Interval? interval) => interval is { } i && !double.IsNaN(i.Low) ? $"[{F(i.Low)}, {F(i.High)}]" : "-";

    static string Threshold(MetricThreshold t) => string.Join(", ", new[]
    {
        t.Min is { } min ? $">= {F(min)}" : null,
        t.Max is { } max ? $"<= {F(max)}" : null,
        t.MaxDrop is { } drop ? $"at most {F(drop)} worse" : null,
    }.Where(s => s is not null));

    static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
