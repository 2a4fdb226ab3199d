using DomainAssistant.Experiments.Analysis;
using DomainAssistant.Experiments.Flags;
using DomainAssistant.Experiments.Rollout;
using DomainAssistant.Experiments.Storage;
using DomainAssistant.Storage.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.FeatureManagement;

namespace DomainAssistant.Experiments;

/// <summary>
/// What a host adds to run experiments: the store and records on one SQLite file, or in the shared PostgreSQL database
/// when the host registered a <see cref="PostgresDatabase"/> (the scale-out mode), the analysis, the flags (before the
/// host's configured flags, <see cref="FeatureDefinitionChain"/>) and the guardrail watch on a timer, with the
/// unattended rollout after it when a policy is given. The host still calls <c>AddFeatureManagement()</c> itself,
/// records exposures and ratings where it serves and rates, and, with a rollout, provides its <see cref="IPromotionCheck"/>.
/// </summary>
public static class ExperimentsRegistration
{
    /// <summary>How often guardrails are evaluated unless told otherwise.</summary>
    public static TimeSpan DefaultGuardrailInterval { get; } = TimeSpan.FromSeconds(30);

    /// <param name="services">The host's services.</param>
    /// <param name="databasePath">The experiments SQLite file (e.g. <c>{Storage:DataDirectory}/experiments.db</c>); unused in the scale-out mode.</param>
    /// <param name="guardrailInterval">Between guardrail evaluations; <see cref="DefaultGuardrailInterval"/> when null.</param>
    /// <param name="flagRefresh">Longest a flag may be stale; <see cref="ExperimentFeatureDefinitions.DefaultRefreshInterval"/> when null.</param>
    /// <param name="rollout">Ramp, promote and roll back running experiments by their own rule (<see cref="RolloutRule"/>) at every
    /// guardrail evaluation; null: only operators and the guardrails change them.</param>
    public static IServiceCollection AddExperiments(this IServiceCollection services, string databasePath,
        TimeSpan? guardrailInterval = null, TimeSpan? flagRefresh = null, RolloutPolicy? rollout = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        services.AddSingleton(new ExperimentDatabase(databasePath));
        // The shared database is registered only in the scale-out mode (Storage:Database=PostgreSql); otherwise the file.
        services.AddSingleton<IExperimentStore>(sp => sp.GetService<PostgresDatabase>() is { } shared
            ? new PostgresExperimentStore(shared, sp.GetService<TimeProvider>())
            : new SqliteExperimentStore(sp.GetRequiredService<ExperimentDatabase>(), sp.GetService<TimeProvider>()));
        services.AddSingleton<IExperimentRecords>(sp => sp.GetService<PostgresDatabase>() is { } shared
            ? new PostgresExperimentRecords(shared)
            : new SqliteExperimentRecords(sp.GetRequiredService<ExperimentDatabase>()));
        services.AddSingleton(sp => new ExperimentAnalysis(sp.GetRequiredService<IExperimentStore>(), sp.GetRequiredService<IExperimentRecords>()));
        services.AddSingleton<GuardrailWatch>();
        if (rollout is not null)
        {
            rollout.Validate();
            services.AddSingleton(rollout);
            services.AddSingleton<RolloutWatch>();
        }
        services.AddHostedService(sp => new GuardrailWatchService(sp.GetRequiredService<GuardrailWatch>(), guardrailInterval ?? DefaultGuardrailInterval,
            sp.GetRequiredService<ILogger<GuardrailWatchService>>(), sp.GetService<TimeProvider>(), sp.GetService<RolloutWatch>()));
        services.AddSingleton(sp => new ExperimentFeatureDefinitions(sp.GetRequiredService<IExperimentStore>(), flagRefresh, sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<ExperimentFeatureDefinitions>>()));
        // Registered as the feature manager's one provider; AddFeatureManagement only adds the configuration's when none is.
        services.AddSingleton<IFeatureDefinitionProvider>(sp => sp.GetService<IConfiguration>() is { } configuration
            ? new FeatureDefinitionChain(sp.GetRequiredService<ExperimentFeatureDefinitions>(), new ConfigurationFeatureDefinitionProvider(configuration))
            : sp.GetRequiredService<ExperimentFeatureDefinitions>());
        return services;
    }
}
