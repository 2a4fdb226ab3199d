using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Evaluation.Registry;
using DomainAssistant.Experiments;
using DomainAssistant.Experiments.Storage;
using DomainAssistant.Feedback;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.Jobs.Alignment;
using DomainAssistant.Jobs.Bootstrap;
using DomainAssistant.Jobs.Corpora;
using DomainAssistant.Jobs.Gates;
using DomainAssistant.ServiceDefaults;
using DomainAssistant.Storage.Lineage;
using DomainAssistant.Storage.PostgreSql;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DomainAssistant.Jobs;

/// <summary>
/// The worker's handlers, registered by one call wherever they run: the Worker host, or the API process itself in the
/// embedded default (<c>Jobs:RunInProcess</c>). The host provides the retrieval services (an <c>IRetriever</c> and
/// an <c>IChunkCatalog</c> over the index the API built): the bootstrap lays out grounded examples with them; and the
/// <c>IServedIndex</c> corpus ingestion writes through (the API's serving stack, or <see cref="RegisteredIndex"/>); and
/// the <see cref="IServedEmbedders"/> re-embedding embeds with (the API's served model, or the worker's copy loaded from
/// the same files).
/// </summary>
public static class JobHandlers
{
    /// <summary>
    /// Feedback filing (<c>FeedbackSubmitted</c>) with the alignment trigger after it, corpus ingestion (<c>IngestCorpus</c>),
    /// re-embedding of the index (<c>ReembedIndex</c>),
    /// the bootstrap of a domain's model (<c>BootstrapDomainModel</c>), adapter gates (<c>GateAdapter</c>) and alignment
    /// runs (<c>StartAlignmentRun</c>).
    /// The <c>Alignment</c> section and the served model's keys are read from the host's configuration as the host starts.
    /// </summary>
    public static IBusRegistrationConfigurator AddJobHandlers(this IBusRegistrationConfigurator bus, HostSettings host, FeedbackBusOptions feedback,
        BootstrapOptions bootstrap)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(host);
        bus.AddFeedbackFiling(feedback, host.Storage.TrainingExamplesDatabase);
        bus.TryAddSingleton(bootstrap);
        bus.TryAddSingleton(TimeProvider.System);
        bus.AddConsumer<IngestCorpusConsumer, IngestCorpusConsumerDefinition>();
        bus.AddConsumer<ReembedIndexConsumer, ReembedIndexConsumerDefinition>();
        // The shared database is registered only in the scale-out mode (Storage:Database=PostgreSql): there every
        // worker records into the one ledger.
        bus.TryAddSingleton<ILineageLedger>(sp => sp.GetService<PostgresDatabase>() is { } shared
            ? new PostgresLineageLedger(shared)
            : new SqliteLineageLedger(host.Storage.LineageDatabase));
        bus.TryAddSingleton<DomainModelBootstrap>();
        bus.AddConsumer<BootstrapDomainModelConsumer, BootstrapDomainModelConsumerDefinition>();
        bus.TryAddSingleton(host.Storage);
        bus.TryAddSingleton<AdapterGate>();
        bus.AddConsumer<GateAdapterConsumer, GateAdapterConsumerDefinition>();

        bus.TryAddSingleton(sp => SettingsSection.Bind<AlignmentOptions>(sp.GetRequiredService<IConfiguration>(), AlignmentOptions.Section, o => o.Problems()));
        bus.TryAddSingleton(sp => ServedModelFiles.From(sp.GetRequiredService<IConfiguration>()));
        // The shared database is registered only in the scale-out mode (Storage:Database=PostgreSql).
        bus.TryAddSingleton<IAlignmentRunLedger>(sp => sp.GetService<PostgresDatabase>() is { } shared
            ? new PostgresAlignmentRunLedger(shared)
            : new SqliteAlignmentRunLedger(Path.Combine(host.Storage.DataDirectory, SqliteAlignmentRunLedger.FileName)));
        // The production adapter is read from the experiments and the registry in the shared data folder; a host that
        // runs them itself (the API) registers its own, which take precedence.
        // In the scale-out mode (a PostgresDatabase registered) they, and the gate verdicts, are in the shared database.
        bus.TryAddSingleton<IExperimentStore>(sp => sp.GetService<PostgresDatabase>() is { } shared
            ? new PostgresExperimentStore(shared, sp.GetRequiredService<TimeProvider>())
            : new SqliteExperimentStore(new ExperimentDatabase(Path.Combine(host.Storage.DataDirectory, ExperimentDatabase.FileName)), sp.GetRequiredService<TimeProvider>()));
        bus.TryAddSingleton<IAdapterRegistry>(sp => new AdapterRegistry(host.Storage.DataDirectory,
            sp.GetService<PostgresDatabase>() is { } shared ? new PostgresAdapterCatalog(shared) : new SqliteAdapterCatalog(host.Storage.DataDirectory),
            new AdapterLimits(), sp.GetRequiredService<TimeProvider>()));
        bus.TryAddSingleton<IGateVerdictStore>(sp => sp.GetService<PostgresDatabase>() is { } shared
            ? new PostgresGateVerdictStore(shared)
            : new SqliteGateVerdictStore(host.Storage.DataDirectory));
        bus.TryAddSingleton<PromotedAdapters>();
        bus.TryAddSingleton<DomainAlignment>();
        bus.AddHostedService<AlignmentSettingsCheck>();
        bus.TryAddEnumerable(ServiceDescriptor.Singleton<IFeedbackFiledListener, AlignmentTrigger>());
        bus.AddConsumer<AlignmentRunConsumer, AlignmentRunConsumerDefinition>();
        return bus;
    }

}
