using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Experiments.Analysis;

/// <summary>Runs <see cref="GuardrailWatch"/> every <c>interval</c> for as long as the host runs.</summary>
public sealed partial class GuardrailWatchService(GuardrailWatch watch, TimeSpan interval, ILogger<GuardrailWatchService> logger, TimeProvider? clock = null)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock ?? TimeProvider.System);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await watch.CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A locked or briefly unreadable file must not end the watch; the next tick tries again.
                LogCheckFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Guardrail check failed; retrying at the next interval")]
    partial void LogCheckFailed(Exception exception);
}
