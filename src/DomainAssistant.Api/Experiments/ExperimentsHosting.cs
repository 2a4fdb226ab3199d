using DomainAssistant.Api.Configuration;
using DomainAssistant.Experiments;
using DomainAssistant.Experiments.Rollout;
using DomainAssistant.Experiments.Storage;
using DomainAssistant.ServiceDefaults;

namespace DomainAssistant.Api.Experiments;

/// <summary>
/// The host's experiments: the library's store, flags and guardrail watch on one file (or in the shared PostgreSQL
/// database in the scale-out mode), and the serving pieces.
/// </summary>
public static class ExperimentsHosting
{
    /// <summary>The experiments file beside the host's other SQLite files.</summary>
    public static string DatabasePath(StorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return Path.Combine(storage.DataDirectory, ExperimentDatabase.FileName);
    }

    /// <remarks>Before <c>AddFeatureManagement</c>: the experiments' flags must be the feature manager's provider.</remarks>
    /// <exception cref="InvalidOperationException">A setting of section <c>Experiments</c> cannot work; the message names its key.</exception>
    public static IServiceCollection AddAssistantExperiments(this IServiceCollection services, IConfiguration configuration, StorageOptions storage)
    {
        var options = OptionsSection.Bind<ExperimentsOptions>(configuration, ExperimentsOptions.Section);
        services.AddSingleton(options);
        services.AddExperiments(DatabasePath(storage), options.GuardrailInterval, options.FlagRefresh, options.Rollout.Policy());
        services.AddSingleton<IPromotionCheck, RegisteredAdapterPromotion>();
        services.AddSingleton<ExperimentAdapters>();
        services.AddSingleton<ExperimentRecorder>();
        return services;
    }
}
