using DomainAssistant.ServiceDefaults.Bus;

namespace DomainAssistant.Jobs.Bootstrap;

/// <summary>
/// One bootstrap at a time per host: two runs for one domain would write the same folders, and a second command for
/// a domain already built finds every stage done and answers at once.
/// </summary>
public sealed class BootstrapDomainModelConsumerDefinition() : OneAtATimeDefinition<BootstrapDomainModelConsumer>("bootstrap-domain-model");
