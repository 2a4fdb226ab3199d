using DomainAssistant.ServiceDefaults.Bus;

namespace DomainAssistant.Api.Operator;

/// <summary>
/// One durable queue shared by every API process: the records live in the one jobs.db they share, so each report is
/// written once, and reports sent while no API runs wait for the next. One at a time, in order, so a run's record
/// never goes back from a later report to an earlier one.
/// </summary>
public sealed class AlignmentRunReportsConsumerDefinition() : OneAtATimeDefinition<AlignmentRunReportsConsumer>(QueueName)
{
    /// <summary>The queue of every alignment run report, the verdict included (<see cref="AlignmentRunFinishedConsumerDefinition"/>).</summary>
    public const string QueueName = "api-alignment-run-reports";
}
