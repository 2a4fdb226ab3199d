using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments;

/// <summary>
/// Experiments and their audit log. Every change is one transaction with its audit entry; the log is append-only.
/// Several processes may share the store: each reads it anew.
/// </summary>
public interface IExperimentStore
{
    /// <summary>Creates a running experiment with a fresh seed.</summary>
    /// <exception cref="ArgumentException">The draft is invalid.</exception>
    /// <exception cref="ExperimentConflictException">The domain already has a running or paused experiment.</exception>
    Task<Experiment> CreateAsync(ExperimentDraft draft, string actor, CancellationToken cancellationToken = default);

    /// <summary>The experiment, or null.</summary>
    Task<Experiment?> FindAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Every experiment, oldest first (creation order when created at the same instant).</summary>
    Task<IReadOnlyList<Experiment>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Sets the treatment's share of users (running or paused experiments only).</summary>
    /// <exception cref="KeyNotFoundException">No such experiment.</exception>
    /// <exception cref="ExperimentConflictException">The experiment is over.</exception>
    Task<Experiment> SetTreatmentPercentAsync(string id, double percent, string actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the treatment's share to the next ramp step; <paramref name="reason"/> goes into the audit entry. With
    /// <paramref name="from"/>, only from that share: a decision taken on a look at one step must not take the step
    /// after it when another process ramped in between.
    /// </summary>
    /// <exception cref="ExperimentConflictException">The experiment is over, at the top of its ramp, or no longer at <paramref name="from"/>.</exception>
    Task<Experiment> RampAsync(string id, string actor, string? reason = null, double? from = null, CancellationToken cancellationToken = default);

    /// <summary>Pauses, resumes, promotes or rolls back.</summary>
    /// <exception cref="ExperimentConflictException">The move is not allowed from the current status.</exception>
    Task<Experiment> ChangeStatusAsync(string id, ExperimentStatus status, string actor, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Merges one look's evidence into the stored evidence (running minimum and intersection), atomically.</summary>
    Task<Experiment> AddEvidenceAsync(string id, SequentialLook look, CancellationToken cancellationToken = default);

    /// <summary>The experiment's audit entries, oldest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(string id, CancellationToken cancellationToken = default);
}
