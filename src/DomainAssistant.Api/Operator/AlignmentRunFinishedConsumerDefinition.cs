using DomainAssistant.ServiceDefaults.Bus;

namespace DomainAssistant.Api.Operator;

/// <summary>The reports' queue (<see cref="AlignmentRunReportsConsumerDefinition"/>), one message at a time: a run's verdict follows its earlier reports.</summary>
public sealed class AlignmentRunFinishedConsumerDefinition() : OneAtATimeDefinition<AlignmentRunFinishedConsumer>(AlignmentRunReportsConsumerDefinition.QueueName);
