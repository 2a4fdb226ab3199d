using DomainAssistant.Api.Configuration;
using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Evaluation.Registry;
using DomainAssistant.Jobs.Alignment;
using DomainAssistant.ServiceDefaults;
using DomainAssistant.Storage.PostgreSql;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DomainAssistant.Api.Operator;

/// <summary>The operator's tools as one registration: the adapter registry, gate verdicts and gate jobs, experiments, and their endpoints.</summary>
public static class OperatorRegistration
{
    /// <exception cref="InvalidOperationException">A setting of section <c>Operator</c> cannot work; the message names its key.</exception>
    public static IServiceCollection AddOperator(this IServiceCollection services, IConfiguration configuration)
    {
        var options = OptionsSection.Bind<OperatorOptions>(configuration, OperatorOptions.Section);
        services.AddSingleton(options);
        services.AddSingleton<GateSuites>();
        // The shared database is registered only in the scale-out mode (Storage:Database=PostgreSql); otherwise files
        // in the data directory. Adapter files stay in the data directory either way.
        services.AddSingleton<IGateVerdictStore>(sp => sp.GetService<PostgresDatabase>() is { } shared
            ? new PostgresGateVerdictStore(shared)
            : new SqliteGateVerdictStore(sp.GetRequiredService<StorageOptions>().DataDirectory));
        services.AddSingleton<AdapterRelease>();
        services.AddSingleton<IAdapterRegistry>(sp =>
        {
            var data = sp.GetRequiredService<StorageOptions>().DataDirectory;
            IAdapterCatalog catalog = sp.GetService<PostgresDatabase>() is { } shared ? new PostgresAdapterCatalog(shared) : new SqliteAdapterCatalog(data);
            return new AdapterRegistry(data, catalog, new AdapterLimits { MaxExtractedBytes = options.MaxAdapterExtractedBytes }, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<GateJobs>();
        services.AddHostedService<AlignmentRunsRequeue>();
        services.AddSingleton<ExperimentLaunch>();
        // Also registered by the job handlers when they run in this process; the gate endpoint needs it either way.
        services.TryAddSingleton<PromotedAdapters>();
        services.AddSingleton<AlignmentRollout>();
        return services;
    }

    /// <summary>The consumer that writes gate jobs' reports into the job store.</summary>
    public static IBusRegistrationConfigurator AddOperatorConsumers(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<GateJobReportsConsumer, GateJobReportsConsumerDefinition>();
        return bus;
    }

    public static IEndpointRouteBuilder MapOperatorApi(this IEndpointRouteBuilder app)
    {
        app.MapAdaptersApi();
        app.MapExperimentsApi();
        return app;
    }
}
