using DomainAssistant.Experiments.Analysis;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Experiments.Rollout;

/// <summary>
/// One pass of the unattended rollout over every running experiment: a look (<see cref="ExperimentAnalysis"/>), the
/// experiment's own rule (<see cref="RolloutRule"/>), and its action applied by <see cref="Actor"/> with the rule's
/// reason in the audit entry and the log. A promotion the host refuses (<see cref="IPromotionCheck"/>: the treatment's
/// file changed since its verdict) is a rollback instead: the control stays, and the reason says why.
/// </summary>
public sealed partial class RolloutWatch(IExperimentStore store, ExperimentAnalysis analysis, RolloutPolicy policy, IPromotionCheck promotion,
    ILogger<RolloutWatch> logger)
{
    /// <summary>Who the audit log names for the rollout's own ramps, promotions and rollbacks (and the experiments it starts).</summary>
    public const string Actor = "rollout";

    /// <summary>The experiments this pass changed, with what it did and why.</summary>
    public async Task<IReadOnlyList<(Experiment Experiment, RolloutStep Step)>> CheckAsync(CancellationToken cancellationToken = default)
    {
        var changed = new List<(Experiment, RolloutStep)>();
        foreach (var experiment in await store.ListAsync(cancellationToken))
        {
            if (experiment.Status != ExperimentStatus.Running) continue;
            var report = await analysis.AnalyseAsync(experiment.Id, cancellationToken);
            var step = RolloutRule.Decide(report, policy);
            if (step.Action == RolloutAction.Hold)
            {
                LogHeld(experiment.Id, step.Reason);
                continue;
            }
            if (step.Action == RolloutAction.Promote && await promotion.WhyNotPromotableAsync(experiment.TreatmentAdapter, cancellationToken) is { } why)
                step = new RolloutStep(RolloutAction.RollBack, $"{step.Reason}; but the treatment may not be promoted: {why}");
            try
            {
                changed.Add((await ApplyAsync(report.Experiment, step, cancellationToken), step));
                LogApplied(experiment.Id, experiment.Domain, step.Action, experiment.TreatmentAdapter, step.Reason);
            }
            catch (ExperimentConflictException)
            {
                // An operator or another process changed it between the look and the action: the next pass looks again.
            }
        }
        return changed;
    }

    // Every API process runs this watch: a ramp goes only from the step the look saw, and a second promotion or
    // rollback finds the experiment over; either way the store refuses with a conflict.
    Task<Experiment> ApplyAsync(Experiment looked, RolloutStep step, CancellationToken cancellationToken) => step.Action switch
    {
        RolloutAction.Ramp => store.RampAsync(looked.Id, Actor, step.Reason, looked.TreatmentPercent, cancellationToken),
        RolloutAction.Promote => store.ChangeStatusAsync(looked.Id, ExperimentStatus.Promoted, Actor, step.Reason, cancellationToken),
        RolloutAction.RollBack => store.ChangeStatusAsync(looked.Id, ExperimentStatus.RolledBack, Actor, step.Reason, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(step), step.Action, "only ramp, promote and rollback change an experiment"),
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rollout holds experiment {ExperimentId}: {Reason}")]
    partial void LogHeld(string experimentId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout of experiment {ExperimentId} ({Domain}): {Action} treatment {Adapter}: {Reason}")]
    partial void LogApplied(string experimentId, string domain, RolloutAction action, string adapter, string reason);
}
