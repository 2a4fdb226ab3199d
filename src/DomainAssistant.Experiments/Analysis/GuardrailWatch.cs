using System.Globalization;
using DomainAssistant.Experiments.Guardrails;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Experiments.Analysis;

/// <summary>
/// One evaluation of every running experiment's guardrails: a treatment breaching any of them with confidence
/// (<see cref="GuardrailRule"/>) is rolled back at once, by <see cref="Actor"/>, with an audit entry naming the
/// breach and a warning in the log. Run it every evaluation interval (<see cref="GuardrailWatchService"/>); a breach
/// visible at an evaluation is rolled back by that evaluation.
/// </summary>
public sealed partial class GuardrailWatch(IExperimentStore store, ExperimentAnalysis analysis, ILogger<GuardrailWatch> logger)
{
    /// <summary>Who the audit log names for an automatic rollback.</summary>
    public const string Actor = "guardrail";

    /// <summary>The experiments this evaluation rolled back.</summary>
    public async Task<IReadOnlyList<Experiment>> CheckAsync(CancellationToken cancellationToken = default)
    {
        var rolledBack = new List<Experiment>();
        foreach (var experiment in await store.ListAsync(cancellationToken))
        {
            if (experiment.Status != ExperimentStatus.Running) continue;
            var report = await analysis.AnalyseAsync(experiment.Id, cancellationToken);
            var breached = report.Breached.ToList();
            if (breached.Count == 0) continue;
            string reason = string.Join("; ", breached.Select(Describe));
            try
            {
                rolledBack.Add(await store.ChangeStatusAsync(experiment.Id, ExperimentStatus.RolledBack, Actor, reason, cancellationToken));
                LogRolledBack(experiment.Id, experiment.Name, experiment.TreatmentAdapter, reason);
            }
            catch (ExperimentConflictException)
            {
                // An operator or another process ended it between the read and the rollback: nothing left to do.
            }
        }
        return rolledBack;
    }

    static string Describe(GuardrailVerdict verdict) => verdict.Guardrail.Metric switch
    {
        GuardrailMetric.LatencyP95 => string.Create(CultureInfo.InvariantCulture,
            $"latency p95 {verdict.TreatmentValue:F0} ms over the {verdict.Guardrail.Limit:F0} ms budget (share over budget at least {verdict.Interval.Low:P1})"),
        var metric => string.Create(CultureInfo.InvariantCulture,
            $"{metric} {verdict.TreatmentValue:P2} against control {verdict.ControlValue:P2}: increase at least {verdict.Interval.Low:P2}, limit {verdict.Guardrail.Limit:P2}"),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Experiment {ExperimentId} ({Name}) rolled back: treatment {Adapter} breached its guardrails: {Reason}")]
    partial void LogRolledBack(string experimentId, string name, string adapter, string reason);
}
