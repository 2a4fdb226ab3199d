using DomainAssistant.Storage.PostgreSql;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DomainAssistant.ServiceDefaults;

/// <summary>What both hosts share, added by one call (eShop's ServiceDefaults pattern).</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Log levels every host starts from: our own notes at Information, the frameworks' chatter (request lines, the
    /// bus's endpoint lifecycle) only from Warning. The lowest-precedence source: appsettings, environment and command
    /// line override them.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> LogLevels { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:MassTransit"] = "Warning",
    };

    /// <summary>
    /// Adds the <see cref="LogLevels"/>, binds <see cref="StorageOptions"/> (section <c>Storage</c>) and
    /// <see cref="JobsOptions"/> (section <c>Jobs</c>) once, registers them (with the shared
    /// <see cref="PostgresDatabase"/> when <c>Storage:Database</c> is PostgreSql), and adds OpenTelemetry logging, metrics and
    /// traces and the liveness health check. The
    /// bus comes separately (<see cref="Bus.BusRegistration.AddAssistantBus"/>): each host names its consumers.
    /// </summary>
    /// <returns>The bound settings, for the host's own registrations (file paths, where jobs run).</returns>
    /// <exception cref="InvalidOperationException">A setting cannot work; the message names its key.</exception>
    public static HostSettings AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LogLevels });
        var storage = SettingsSection.Bind<StorageOptions>(builder.Configuration, StorageOptions.Section, s => s.Problems());
        var jobs = SettingsSection.Bind<JobsOptions>(builder.Configuration, JobsOptions.Section, _ => []);
        builder.Services.AddSingleton(storage).AddSingleton(jobs);
        // One pool for every store in the process; migrations run as each store first opens it.
        if (storage.Database == StorageEngine.PostgreSql)
            builder.Services.AddSingleton(new PostgresDatabase(storage.PostgreSqlConnection!));
        builder.AddAssistantTelemetry();
        builder.Services.AddDefaultHealthChecks();
        return new HostSettings(storage, jobs);
    }
}

/// <summary>The settings every host reads once: where files live and where jobs run.</summary>
public sealed record HostSettings(StorageOptions Storage, JobsOptions Jobs);
