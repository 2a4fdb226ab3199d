using DomainAssistant.Experiments.Rollout;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Experiments.Analysis;

/// <summary>
/// Runs <see cref="GuardrailWatch"/> every <c>interval</c> for as long as the host runs, then, when the host runs the
/// unattended rollout, <see cref="RolloutWatch"/>: guardrails first, so a breach is rolled back for its breach before
/// the rollout could ramp or promote on the same look.
/// </summary>
public sealed partial class GuardrailWatchService(GuardrailWatch watch, TimeSpan interval, ILogger<GuardrailWatchService> logger, TimeProvider? clock = null,
    RolloutWatch? rollout = null)
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
                if (rollout is not null) await rollout.CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A locked or briefly unreadable file must not end the watch; the next tick tries again.
                LogCheckFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Guardrail or rollout check failed; retrying at the next interval")]
    partial void LogCheckFailed(Exception exception);
}
