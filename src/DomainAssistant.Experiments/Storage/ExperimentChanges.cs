using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Storage;

/// <summary>
/// What each operator action does to an experiment, whichever engine keeps it: the stores read the experiment, apply
/// one of these inside their transaction, and audit the result, so the rules cannot drift between SQLite and PostgreSQL.
/// </summary>
static class ExperimentChanges
{
    /// <summary>A running experiment from a validated draft, with a fresh id and seed.</summary>
    public static Experiment Create(ExperimentDraft draft, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(draft);
        draft.Validate();
        return new Experiment(
            Id: "exp_" + Guid.NewGuid().ToString("N")[..16],
            draft.Name.Trim(), draft.Domain.Trim(), draft.ControlAdapter, draft.TreatmentAdapter, draft.TreatmentPercent,
            draft.Ramp ?? [], draft.Guardrails ?? Guardrails.Guardrail.Defaults, ExperimentStatus.Running,
            Seed: Guid.NewGuid().ToString("N"), now, now, SequentialEvidence.None);
    }

    public static ExperimentConflictException DomainTaken(string domain, string other) =>
        new($"Domain '{domain}' already has a live experiment ({other}); promote, roll back or finish it first.");

    public static Func<Experiment, DateTimeOffset, Experiment> Percent(double percent) => (experiment, now) =>
    {
        RequireLive(experiment, "change its percentage");
        return experiment with { TreatmentPercent = percent, AllocationSince = now };
    };

    /// <param name="from">When given, the share the decision to ramp was taken at.</param>
    public static Func<Experiment, DateTimeOffset, Experiment> Ramp(double? from) => (experiment, now) =>
    {
        RequireLive(experiment, "ramp");
        if (from is { } expected && experiment.TreatmentPercent != expected)
            throw new ExperimentConflictException($"Experiment {experiment.Id} is at {experiment.TreatmentPercent}% now, not {expected}%; it was changed since.");
        double next = experiment.NextRampStep
            ?? throw new ExperimentConflictException($"Experiment {experiment.Id} is at the top of its ramp ({experiment.TreatmentPercent}%).");
        return experiment with { TreatmentPercent = next, AllocationSince = now };
    };

    public static Func<Experiment, DateTimeOffset, Experiment> Status(ExperimentStatus status) => (experiment, now) =>
    {
        RequireLive(experiment, ActionOf(status));
        if (experiment.Status == status) throw new ExperimentConflictException($"Experiment {experiment.Id} is already {status.Name()}.");
        // Resuming starts a new allocation period: nobody was split while paused.
        return experiment with { Status = status, AllocationSince = status == ExperimentStatus.Running ? now : experiment.AllocationSince };
    };

    /// <summary>The audit log's name for moving to <paramref name="status"/>.</summary>
    public static string ActionOf(ExperimentStatus status) => status switch
    {
        ExperimentStatus.Running => "resume",
        ExperimentStatus.Paused => "pause",
        ExperimentStatus.RolledBack => "rollback",
        ExperimentStatus.Promoted => "promote",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    static void RequireLive(Experiment experiment, string what)
    {
        if (!experiment.Status.IsLive())
            throw new ExperimentConflictException($"Experiment {experiment.Id} is {experiment.Status.Name()}; it cannot {what}.");
    }
}
