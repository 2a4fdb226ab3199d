using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DomainAssistant.ServiceDefaults;

/// <summary>What both hosts share, added by one call (eShop's ServiceDefaults pattern).</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Binds <see cref="StorageOptions"/> (section <c>Storage</c>) and <see cref="JobsOptions"/> (section <c>Jobs</c>)
    /// once, registers them, and adds OpenTelemetry logging, metrics and traces and the liveness health check. The
    /// bus comes separately (<see cref="Bus.BusRegistration.AddAssistantBus"/>): each host names its consumers.
    /// </summary>
    /// <returns>The bound settings, for the host's own registrations (file paths, where jobs run).</returns>
    /// <exception cref="InvalidOperationException">A setting cannot work; the message names its key.</exception>
    public static HostSettings AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var storage = SettingsSection.Bind<StorageOptions>(builder.Configuration, StorageOptions.Section, s => s.Problems());
        var jobs = SettingsSection.Bind<JobsOptions>(builder.Configuration, JobsOptions.Section, _ => []);
        builder.Services.AddSingleton(storage).AddSingleton(jobs);
        builder.AddAssistantTelemetry();
        builder.Services.AddDefaultHealthChecks();
        return new HostSettings(storage, jobs);
    }
}

/// <summary>The settings every host reads once: where files live and where jobs run.</summary>
public sealed record HostSettings(StorageOptions Storage, JobsOptions Jobs);
