using DomainAssistant.ServiceDefaults.Bus;

namespace DomainAssistant.Jobs.Alignment;

/// <summary>
/// One alignment run at a time per host: a run holds a model, its reference and a reward model in memory and uses
/// every core; the ledger keeps a domain to one run across hosts.
/// </summary>
public sealed class AlignmentRunConsumerDefinition() : OneAtATimeDefinition<AlignmentRunConsumer>("alignment-runs");
