using DomainAssistant.Experiments.Guardrails;

namespace DomainAssistant.Experiments;

/// <summary>What an operator asks for when creating an experiment.</summary>
/// <param name="Name">The operator's name for it.</param>
/// <param name="Domain">The domain whose chats it splits.</param>
/// <param name="ControlAdapter">The adapter the control serves; null = the host's default adapter (no override).</param>
/// <param name="TreatmentAdapter">The adapter under test.</param>
/// <param name="TreatmentPercent">The treatment's share of users at the start, 0-100.</param>
/// <param name="Ramp">Later shares, each above the one before, taken one at a time by <c>RampAsync</c>.</param>
/// <param name="Guardrails">Null = <see cref="Guardrail.Defaults"/>.</param>
public sealed record ExperimentDraft(
    string Name,
    string Domain,
    string? ControlAdapter,
    string TreatmentAdapter,
    double TreatmentPercent,
    IReadOnlyList<double>? Ramp = null,
    IReadOnlyList<Guardrail>? Guardrails = null)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first thing wrong.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException("An experiment needs a name.");
        if (string.IsNullOrWhiteSpace(Domain)) throw new ArgumentException("An experiment needs a domain.");
        if (string.IsNullOrWhiteSpace(TreatmentAdapter)) throw new ArgumentException("An experiment needs a treatment adapter.");
        if (ControlAdapter is not null && string.Equals(ControlAdapter, TreatmentAdapter, StringComparison.Ordinal))
            throw new ArgumentException("Control and treatment are the same adapter; there is nothing to compare.");
        ExperimentAllocation.CheckPercent(TreatmentPercent);
        double previous = TreatmentPercent;
        foreach (var step in Ramp ?? [])
        {
            ExperimentAllocation.CheckPercent(step);
            if (step <= previous) throw new ArgumentException($"Ramp steps must rise above the treatment percent and each other; {step} does not follow {previous}.");
            previous = step;
        }
        foreach (var guardrail in Guardrails ?? []) guardrail.Validate();
    }
}
