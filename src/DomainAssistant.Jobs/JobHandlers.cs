using DomainAssistant.Feedback;
using DomainAssistant.Jobs.Bootstrap;
using DomainAssistant.Jobs.Gates;
using DomainAssistant.ServiceDefaults;
using DomainAssistant.Storage.Lineage;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DomainAssistant.Jobs;

/// <summary>
/// The worker's handlers, registered by one call wherever they run: the Worker host, or the API process itself in the
/// embedded default (<c>Jobs:RunInProcess</c>). The host provides the retrieval services (an <c>IRetriever</c> and
/// an <c>IChunkCatalog</c> over the index the API built): the bootstrap lays out grounded examples with them.
/// </summary>
public static class JobHandlers
{
    /// <summary>Feedback filing (<c>FeedbackSubmitted</c>), the bootstrap of a domain's model (<c>BootstrapDomainModel</c>) and adapter gates (<c>GateAdapter</c>).</summary>
    public static IBusRegistrationConfigurator AddJobHandlers(this IBusRegistrationConfigurator bus, HostSettings host, FeedbackBusOptions feedback,
        BootstrapOptions bootstrap)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(host);
        bus.AddFeedbackFiling(feedback, host.Storage.TrainingExamplesDatabase);
        bus.TryAddSingleton(bootstrap);
        bus.TryAddSingleton<ILineageLedger>(new SqliteLineageLedger(host.Storage.LineageDatabase));
        bus.TryAddSingleton<DomainModelBootstrap>();
        bus.AddConsumer<BootstrapDomainModelConsumer, BootstrapDomainModelConsumerDefinition>();
        bus.TryAddSingleton(host.Storage);
        bus.TryAddSingleton(TimeProvider.System);
        bus.TryAddSingleton<AdapterGate>();
        bus.AddConsumer<GateAdapterConsumer, GateAdapterConsumerDefinition>();
        return bus;
    }
}
