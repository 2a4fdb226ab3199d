namespace DomainAssistant.Evaluation.Gates;

/// <summary>
/// A gate's outcome, bound to the exact files it judged: the candidate adapter, the baseline adapter (null: the base
/// model), the base model and the suite, each by SHA-256. A later rollout compares the adapter it is given with
/// <see cref="CandidateSha256"/>.
/// </summary>
public sealed record GateVerdict(string Suite, string SuiteSha256, string CandidateSha256, string? BaselineSha256, string BaseModelSha256,
    IReadOnlyList<MetricResult> Metrics, DateTimeOffset CreatedAt, string? ReportPath = null)
{
    public bool Passed => Metrics.Count > 0 && Metrics.All(m => m.Passed);

    public string Verdict => Passed ? "pass" : "fail";
}
