using DomainAssistant.Jobs.Alignment;
using DomainAssistant.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DomainAssistant.Api.Operator;

/// <summary>What the API needs of alignment runs, wherever their handlers run: the ledger the endpoint queues runs in, and the consumers of their reports and verdicts (which start the rollout).</summary>
public static class AlignmentRunsRegistration
{
    public static IBusRegistrationConfigurator AddAlignmentRunReports(this IBusRegistrationConfigurator bus, StorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(storage);
        bus.TryAddSingleton(_ => new AlignmentRunLedger(Path.Combine(storage.DataDirectory, AlignmentRunLedger.FileName)));
        bus.AddConsumer<AlignmentRunReportsConsumer, AlignmentRunReportsConsumerDefinition>();
        bus.AddConsumer<AlignmentRunFinishedConsumer, AlignmentRunFinishedConsumerDefinition>();
        return bus;
    }
}
