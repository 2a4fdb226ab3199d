using DomainAssistant.Experiments.Guardrails;
using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments;

/// <summary>
/// An A/B experiment of one domain: the control adapter against the treatment adapter, with the treatment's share of
/// users, the ramp still to come, the guardrails, and the sequential evidence so far.
/// </summary>
/// <param name="Id">Stable id, <c>exp_</c> and 16 hex digits.</param>
/// <param name="Name">The operator's name for it.</param>
/// <param name="Domain">The domain whose chats it splits; at most one live experiment per domain.</param>
/// <param name="ControlAdapter">Null = the host's default adapter.</param>
/// <param name="TreatmentAdapter">The adapter under test.</param>
/// <param name="TreatmentPercent">The treatment's share of users now, 0-100.</param>
/// <param name="Ramp">Every planned share, the ones already taken included.</param>
/// <param name="Guardrails">Limits that roll the treatment back when breached with confidence.</param>
/// <param name="Status">Running, paused, rolled back or promoted.</param>
/// <param name="Seed">Hashed with each user id into the user's percentile (<see cref="StickyAssignment"/>).</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="AllocationSince">When the current allocation (percent and running status) began: the sample ratio
/// check counts only users seen since then, since before it other shares applied.</param>
/// <param name="Evidence">The always-valid test's running p-value and interval for the up-rate difference.</param>
public sealed record Experiment(
    string Id,
    string Name,
    string Domain,
    string? ControlAdapter,
    string TreatmentAdapter,
    double TreatmentPercent,
    IReadOnlyList<double> Ramp,
    IReadOnlyList<Guardrail> Guardrails,
    ExperimentStatus Status,
    string Seed,
    DateTimeOffset CreatedAt,
    DateTimeOffset AllocationSince,
    SequentialEvidence Evidence)
{
    /// <summary>The adapter a variant serves; null = the host's default.</summary>
    public string? AdapterOf(string variant) => variant switch
    {
        ExperimentVariants.Control => ControlAdapter,
        ExperimentVariants.Treatment => TreatmentAdapter,
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "control or treatment"),
    };

    /// <summary>The variant's share of users now, 0-100.</summary>
    public double PercentOf(string variant) => variant == ExperimentVariants.Treatment ? TreatmentPercent : 100 - TreatmentPercent;

    /// <summary>The next ramp step above the current share; null at the top.</summary>
    public double? NextRampStep => Ramp.Where(step => step > TreatmentPercent).Select(step => (double?)step).FirstOrDefault();
}
