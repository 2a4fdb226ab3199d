using DomainAssistant.Jobs.Alignment;
using DomainAssistant.ServiceDefaults;
using DomainAssistant.Storage.PostgreSql;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DomainAssistant.Api.Operator;

/// <summary>What the API needs of alignment runs, wherever their handlers run: the ledger the endpoint queues runs in, and the consumers of their reports and verdicts (which start the rollout).</summary>
public static class AlignmentRunsRegistration
{
    public static IBusRegistrationConfigurator AddAlignmentRunReports(this IBusRegistrationConfigurator bus, StorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(storage);
        // The shared database is registered only in the scale-out mode (Storage:Database=PostgreSql).
        bus.TryAddSingleton<IAlignmentRunLedger>(sp => sp.GetService<PostgresDatabase>() is { } shared
            ? new PostgresAlignmentRunLedger(shared)
            : new SqliteAlignmentRunLedger(Path.Combine(storage.DataDirectory, SqliteAlignmentRunLedger.FileName)));
        bus.AddConsumer<AlignmentRunReportsConsumer, AlignmentRunReportsConsumerDefinition>();
        bus.AddConsumer<AlignmentRunFinishedConsumer, AlignmentRunFinishedConsumerDefinition>();
        return bus;
    }
}
