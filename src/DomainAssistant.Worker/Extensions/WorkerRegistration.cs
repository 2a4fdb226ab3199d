using DomainAssistant.Feedback;
using DomainAssistant.Jobs;
using DomainAssistant.Jobs.Bootstrap;
using DomainAssistant.Jobs.Corpora;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.ServiceDefaults;
using DomainAssistant.ServiceDefaults.Bus;
using DomainAssistant.Worker.Corpora;

namespace DomainAssistant.Worker.Extensions;

/// <summary>
/// The worker's composition root: the service defaults, the retrieval index the API builds (read here: the bootstrap
/// lays out grounded examples with it; written here by corpus ingestion jobs, with the registered embedder, and by
/// re-embedding jobs, with the served model loaded from its files), and the job handlers on a RabbitMQ bus. Program.cs calls
/// <see cref="AddWorkerServices"/> and <see cref="MapWorkerHealth"/>.
/// </summary>
public static class WorkerRegistration
{
    /// <summary>The section the bootstrap recipe is read from: the same keys the API reads.</summary>
    public const string BootstrapSection = "Model:Bootstrap";

    /// <exception cref="InvalidOperationException">A setting cannot work (an in-memory bus among them); the message names its key.</exception>
    public static WebApplicationBuilder AddWorkerServices(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var host = builder.AddServiceDefaults();
        var bootstrap = SettingsSection.Bind<BootstrapOptions>(configuration, BootstrapSection, options => options.Problems());
        var feedback = FeedbackBusOptions.From(configuration);

        builder.Services.AddRetrieval(configuration);
        builder.Services.AddSingleton<IServedIndex, RegisteredIndex>();
        builder.Services.AddSingleton<IServedEmbedders, ServedModelFromFiles>();
        builder.Services.AddAssistantBus(configuration, reachesOtherProcesses: true,
            bus => bus.AddJobHandlers(host, feedback, bootstrap), FeedbackBusOptions.Keys);
        return builder;
    }

    /// <summary>
    /// <c>/health</c>: 200 once the bus is connected (MassTransit's check) and the process alive, as JSON with each check
    /// and the messages moved to an error queue (<see cref="WorkerHealthReport"/>); <c>/alive</c>: liveness only.
    /// </summary>
    public static WebApplication MapWorkerHealth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapReadinessEndpoint("/health", WorkerHealthReport.WriteAsync);
        app.MapAliveEndpoint();
        return app;
    }
}
