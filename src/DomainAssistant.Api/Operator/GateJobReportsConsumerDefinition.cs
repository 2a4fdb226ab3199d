using DomainAssistant.ServiceDefaults.Bus;

namespace DomainAssistant.Api.Operator;

/// <summary>One report at a time, in order: a late progress note must not overwrite the job's outcome.</summary>
public sealed class GateJobReportsConsumerDefinition() : OneAtATimeDefinition<GateJobReportsConsumer>("gate-job-reports");
