using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DomainAssistant.Jobs.Alignment;

/// <summary>
/// Reads the <c>Alignment</c> section and the served model's keys when the host starts: a setting that cannot work
/// stops the host with a message naming its key, instead of failing the first feedback delivery that asks the trigger.
/// </summary>
sealed class AlignmentSettingsCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<AlignmentOptions>();
        _ = services.GetRequiredService<ServedModelFiles>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
