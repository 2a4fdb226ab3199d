using System.Text.Json;
using DomainAssistant.Experiments;
using DomainAssistant.Experiments.Analysis;
using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Api.Operator;

/// <summary>An experiment as <c>GET /api/operator/experiments/{id}</c> shows it (issue 18's shape, plus the sequential test's own figures).</summary>
public sealed record ExperimentView(string Id, string Name, string Domain, string Status, double TreatmentPercent, IReadOnlyList<double> Ramp,
    double? NextRampStep, DateTimeOffset CreatedAt, IReadOnlyList<VariantView> Variants, DifferenceView Difference, double? SrmPValue,
    double? RatersSrmPValue, bool SrmFlagged, IReadOnlyList<GuardrailView> Guardrails, IReadOnlyList<AuditView> Audit)
{
    /// <param name="report">The analysis (one look).</param>
    /// <param name="audit">Its audit entries, oldest first.</param>
    /// <param name="checksumOf">The SHA-256 of what a variant serves (its adapter id; null = the host's default).</param>
    public static ExperimentView Of(ExperimentReport report, IReadOnlyList<AuditEntry> audit, Func<string?, string?> checksumOf)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(checksumOf);
        var experiment = report.Experiment;
        var sequential = report.Difference.Sequential;
        return new ExperimentView(experiment.Id, experiment.Name, experiment.Domain, experiment.Status.Name(), experiment.TreatmentPercent, experiment.Ramp,
            experiment.NextRampStep, experiment.CreatedAt,
            [.. report.Variants.Select(v => new VariantView(v.Name, v.Adapter, checksumOf(v.Adapter), v.Percent, v.Exposures, v.Users, v.RatingsUp, v.RatingsDown,
                Finite(v.UpRate), Finite(v.UpRateInterval.Low), Finite(v.UpRateInterval.High), v.LatencyP95 is { } p95 ? Finite(p95) : null))],
            new DifferenceView(Finite(report.Difference.Estimate), Finite(report.Difference.Interval.Low), Finite(report.Difference.Interval.High),
                Decision(report.Difference.Decision), Finite(sequential.PValue), Finite(sequential.Low), Finite(sequential.High)),
            Finite(report.UsersRatio.PValue), Finite(report.RatersRatio.PValue), report.UsersRatio.Mismatch || report.RatersRatio.Mismatch,
            [.. report.Guardrails.Select(g => new GuardrailView(JsonNamingPolicy.SnakeCaseLower.ConvertName(g.Guardrail.Metric.ToString()), g.Guardrail.Limit,
                Finite(g.ControlValue), Finite(g.TreatmentValue), Finite(g.Interval.Low), Finite(g.Interval.High), g.Breached))],
            [.. audit.Select(a => new AuditView(a.Sequence, a.Actor, a.At, a.Action, a.Before is null ? null : Json(a.Before), Json(a.After), a.Reason))]);
    }

    static string Decision(ExperimentDecision decision) => JsonNamingPolicy.SnakeCaseLower.ConvertName(decision.ToString());

    // JSON has no NaN or infinity: an up-rate without ratings, or an interval not yet bounded, is null.
    static double? Finite(double value) => double.IsFinite(value) ? value : null;

    static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}

/// <summary>One arm: what it serves (adapter null = the host's default) and how users rated it.</summary>
public sealed record VariantView(string Name, string? Adapter, string? AdapterSha256, double Percent, long Exposures, long Users, long RatingsUp,
    long RatingsDown, double? UpRate, double? UpRateCiLow, double? UpRateCiHigh, double? LatencyP95Ms);

/// <summary>Treatment minus control up-rate: Newcombe's interval (for reading) and the always-valid test that decides.</summary>
public sealed record DifferenceView(double? Estimate, double? CiLow, double? CiHigh, string Decision, double? SequentialPValue, double? SequentialCiLow,
    double? SequentialCiHigh);

/// <summary>One guardrail's verdict now.</summary>
public sealed record GuardrailView(string Metric, double Limit, double? Control, double? Treatment, double? CiLow, double? CiHigh, bool Breached);

/// <summary>One audit entry: who changed what, when, from what to what.</summary>
public sealed record AuditView(long Sequence, string Actor, DateTimeOffset At, string Action, JsonElement? Before, JsonElement After, string? Reason);
