using DomainAssistant.Api.Configuration;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.ServiceDefaults;
using DomainAssistant.Storage.Jobs;
using DomainAssistant.Storage.PostgreSql;
using MassTransit;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// Registers corpus upload: its limits (section <c>Uploads</c>), the version store, the domain corpus (this host's
/// <see cref="IServedIndex"/> for ingestion jobs run here) and the ingestion jobs' start, requeue and reports.
/// </summary>
public static class CorpusUploadRegistration
{
    /// <exception cref="InvalidOperationException">A setting of section <c>Uploads</c> cannot work; the message names its key.</exception>
    public static IServiceCollection AddCorpusUploads(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(OptionsSection.Bind<UploadOptions>(configuration, UploadOptions.Section));
        services.AddSingleton<CorpusVersions>();
        services.AddHostedService<CorpusStagingCleanup>(); // before the jobs: nothing writes a version while it runs
        services.AddSingleton<DomainCorpus>();
        services.AddSingleton<IServedIndex>(sp => sp.GetRequiredService<DomainCorpus>());
        // The shared database is registered only in the scale-out mode (Storage:Database=PostgreSql).
        services.AddSingleton<IJobStore>(sp => sp.GetService<PostgresDatabase>() is { } shared
            ? new PostgresJobStore(shared)
            : new SqliteJobStore(sp.GetRequiredService<StorageOptions>().JobsDatabase));
        services.AddSingleton<CorpusJobs>();
        services.AddHostedService<CorpusJobsRequeue>();
        return services;
    }

    /// <summary>The consumer that writes ingestion jobs' reports into the job store, wherever the jobs run.</summary>
    public static IBusRegistrationConfigurator AddCorpusJobReports(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<CorpusJobReportsConsumer, CorpusJobReportsConsumerDefinition>();
        return bus;
    }
}
