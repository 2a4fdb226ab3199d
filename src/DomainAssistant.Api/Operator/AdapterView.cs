using System.Text.Json;
using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Evaluation.Registry;

namespace DomainAssistant.Api.Operator;

/// <summary>A registered adapter as <c>GET /api/operator/adapters</c> lists it.</summary>
/// <param name="Id">The registry's id.</param>
/// <param name="Domain">Its domain.</param>
/// <param name="Sha256">Its weights' SHA-256 as registered.</param>
/// <param name="Folder">Its PEFT folder.</param>
/// <param name="Parents">Ids it was trained from.</param>
/// <param name="Lineage">Training's lineage record, as sent.</param>
/// <param name="CreatedAt">When it was registered.</param>
/// <param name="RegisteredBy">Who registered it.</param>
/// <param name="Releasable">Whether an experiment may serve it now.</param>
/// <param name="NotReleasableBecause">Why not, when not.</param>
/// <param name="Verdicts">Gate verdicts on its checksum, newest first.</param>
public sealed record AdapterView(string Id, string Domain, string Sha256, string Folder, IReadOnlyList<string> Parents, JsonElement? Lineage,
    DateTimeOffset CreatedAt, string RegisteredBy, bool Releasable, string? NotReleasableBecause, IReadOnlyList<VerdictView> Verdicts)
{
    public static AdapterView Of(RegisteredAdapter adapter, string? whyNot, IReadOnlyList<GateVerdict> verdicts)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        JsonElement? lineage = adapter.Lineage is null ? null : JsonDocument.Parse(adapter.Lineage).RootElement.Clone();
        return new AdapterView(adapter.Id, adapter.Domain, adapter.Sha256, adapter.Folder, adapter.Parents, lineage, adapter.CreatedAt, adapter.RegisteredBy,
            whyNot is null, whyNot, [.. verdicts.Select(VerdictView.Of)]);
    }
}

/// <summary>One gate verdict on an adapter.</summary>
/// <param name="Suite">The suite's name.</param>
/// <param name="Verdict">"pass" or "fail".</param>
/// <param name="BaselineSha256">The production adapter it was judged against (null: the base model).</param>
/// <param name="CreatedAt">When it was judged.</param>
/// <param name="Report">The report's path.</param>
/// <param name="Metrics">Each metric's outcome.</param>
public sealed record VerdictView(string Suite, string Verdict, string? BaselineSha256, DateTimeOffset CreatedAt, string? Report, IReadOnlyList<MetricView> Metrics)
{
    public static VerdictView Of(GateVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return new(verdict.Suite, verdict.Verdict, verdict.BaselineSha256, verdict.CreatedAt, verdict.ReportPath,
            [.. verdict.Metrics.Select(m => new MetricView(m.Metric.Name(), m.Passed, double.IsFinite(m.Candidate) ? m.Candidate : null, m.Baseline is { } b && double.IsFinite(b) ? b : null, m.Reason))]);
    }
}

/// <summary>One metric of a verdict.</summary>
public sealed record MetricView(string Name, bool Passed, double? Candidate, double? Baseline, string Reason);
