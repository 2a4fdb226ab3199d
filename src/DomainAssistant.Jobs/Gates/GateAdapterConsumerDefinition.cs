using DomainAssistant.ServiceDefaults.Bus;

namespace DomainAssistant.Jobs.Gates;

/// <summary>One gate at a time per host: each loads its own copy of the base and decodes a batch on every core.</summary>
public sealed class GateAdapterConsumerDefinition() : OneAtATimeDefinition<GateAdapterConsumer>("gate-adapter");
