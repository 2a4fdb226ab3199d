using DomainAssistant.Api.Configuration;
using DomainAssistant.Api.Jobs;
using DomainAssistant.ServiceDefaults;
using DomainAssistant.Storage.Jobs;

namespace DomainAssistant.Api.Corpora;

/// <summary>Registers corpus upload: its limits (section <c>Uploads</c>), the version store, the domain corpus and the ingestion jobs.</summary>
public static class CorpusUploadRegistration
{
    /// <exception cref="InvalidOperationException">A setting of section <c>Uploads</c> cannot work; the message names its key.</exception>
    public static IServiceCollection AddCorpusUploads(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(OptionsSection.Bind<UploadOptions>(configuration, UploadOptions.Section));
        services.AddSingleton<CorpusVersions>();
        services.AddHostedService<CorpusStagingCleanup>(); // before the jobs: nothing writes a version while it runs
        services.AddSingleton<DomainCorpus>();
        services.AddSingleton(sp => new SqliteJobStore(sp.GetRequiredService<StorageOptions>().JobsDatabase));
        services.AddSingleton<CorpusIngestionJobs>();
        services.AddHostedService(sp => sp.GetRequiredService<CorpusIngestionJobs>());
        return services;
    }
}
