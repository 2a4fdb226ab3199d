using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DomainAssistant.Bench.ClosedLoop;

/// <summary>One round's traffic before its run, for the report: what the raters said against what the hidden rule says.</summary>
/// <param name="Round">The round (1 = the traffic on the round-0 adapter).</param>
/// <param name="UpRate">Thumbs-up share of the ratings filed (noise included).</param>
/// <param name="RuleRate">Share of answers the hidden rule likes (no noise).</param>
public sealed record RoundTraffic(int Round, double UpRate, double RuleRate);

/// <summary>
/// The loop's report: Markdown and a self-contained HTML page (uPlot, vendored for the operator page, inlined as a
/// module) with the up rate per round and its interval, the raters' up rate against the hidden rule's rate, KL per
/// round and minutes per stage, written into bench/results/.
/// </summary>
public static class ClosedLoopReport
{
    /// <returns>The Markdown and HTML paths.</returns>
    public static (string Markdown, string Html) Write(string folder, string title, LoopOutcome outcome, IReadOnlyList<RoundTraffic> traffic, string tables)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(traffic);
        Directory.CreateDirectory(folder);
        var stem = Path.Combine(folder, $"loop-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        File.WriteAllText(stem + ".md", $"# {title}\n\n{tables}\n\n```json\n{JsonSerializer.Serialize(outcome)}\n```\n");
        File.WriteAllText(stem + ".html", Html(title, outcome, traffic));
        return (stem + ".md", stem + ".html");
    }

    static string Html(string title, LoopOutcome outcome, IReadOnlyList<RoundTraffic> traffic)
    {
        var rounds = outcome.Rounds;
        string Series(IEnumerable<double?> values) => "[" + string.Join(",", values.Select(v => v is { } x && double.IsFinite(x) ? x.ToString("R", CultureInfo.InvariantCulture) : "null")) + "]";
        var x = Series(rounds.Select(r => (double?)r.Round));
        var charts = new (string Title, string Data, string[] Labels)[]
        {
            ("Thumbs-up rate per round, control and treatment (95% interval of the difference around control)",
                $"[{x},{Series(rounds.Select(r => r.UpRateControl))},{Series(rounds.Select(r => r.UpRateTreatment))}," +
                $"{Series(rounds.Select(r => r.UpRateControl + r.DifferenceLow))},{Series(rounds.Select(r => r.UpRateControl + r.DifferenceHigh))}]",
                ["control", "treatment", "treatment low", "treatment high"]),
            ("Raters' up rate against the hidden rule's rate (traffic before each run)",
                $"[{Series(traffic.Select(t => (double?)t.Round))},{Series(traffic.Select(t => (double?)t.UpRate))},{Series(traffic.Select(t => (double?)t.RuleRate))}]",
                ["up rate (noisy raters)", "hidden rule rate"]),
            ("KL to the reference per round (nats)", $"[{x},{Series(rounds.Select(r => r.Kl))}]", ["KL"]),
            ("Minutes per stage per round",
                $"[{x},{Series(rounds.Select(r => (double?)r.Minutes.Traffic))},{Series(rounds.Select(r => (double?)r.Minutes.RewardModel))}," +
                $"{Series(rounds.Select(r => (double?)r.Minutes.Policy))},{Series(rounds.Select(r => (double?)r.Minutes.Gate))},{Series(rounds.Select(r => (double?)r.Minutes.Experiment))}]",
                ["traffic", "reward model", "policy", "gate", "experiment"]),
        };
        var vendor = Path.Combine(Service.SampleDomain.RepositoryRoot(), "src", "DomainAssistant.Api", "wwwroot", "vendor", "uplot");
        var module = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(vendor, "uPlot.esm.js")));
        var css = File.ReadAllText(Path.Combine(vendor, "uPlot.min.css"));
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<!doctype html><html><head><meta charset=\"utf-8\"><title>{System.Net.WebUtility.HtmlEncode(title)}</title><style>{css} body{{font-family:sans-serif;margin:2em}}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{System.Net.WebUtility.HtmlEncode(title)}</h1><p>Lift over round 0: {outcome.Lift?.ToString("0.###", CultureInfo.InvariantCulture) ?? "-"} " +
            $"(95% interval {outcome.LiftLow?.ToString("0.###", CultureInfo.InvariantCulture) ?? "-"} to {outcome.LiftHigh?.ToString("0.###", CultureInfo.InvariantCulture) ?? "-"}): {System.Net.WebUtility.HtmlEncode(outcome.LiftMeaning)}</p>");
        for (var i = 0; i < charts.Length; i++) html.Append(CultureInfo.InvariantCulture, $"<h2>{charts[i].Title}</h2><div id=\"chart{i}\"></div>");
        html.Append(CultureInfo.InvariantCulture, $"<script type=\"module\">import uPlot from \"data:text/javascript;base64,{module}\";\nconst colours=[\"#1f77b4\",\"#d62728\",\"#9467bd\",\"#9467bd\",\"#2ca02c\"];\n");
        for (var i = 0; i < charts.Length; i++)
        {
            var series = string.Join(",", charts[i].Labels.Select((label, k) => $"{{label:{JsonSerializer.Serialize(label)},stroke:colours[{k}],points:{{show:true}}}}"));
            html.Append(CultureInfo.InvariantCulture, $"new uPlot({{width:720,height:260,scales:{{x:{{time:false}}}},series:[{{label:\"round\"}},{series}]}},{charts[i].Data},document.getElementById(\"chart{i}\"));\n");
        }
        html.Append("</script></body></html>\n");
        return html.ToString();
    }
}
