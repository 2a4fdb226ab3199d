using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Feedback.Publishing;

/// <summary>
/// Runs the <see cref="FeedbackOutbox"/> for the host's lifetime: first whatever a previous process stored but
/// never got confirmed, then each new feedback as it is recorded, and everything still pending every sweep interval.
/// </summary>
/// <remarks>
/// New feedback wakes the service to publish what this process handed over, not to sweep: a sweep reads the whole
/// pending list, which holds nothing of this process's own while its publishing works, so it runs on the interval only.
/// </remarks>
public sealed partial class FeedbackOutboxService(FeedbackOutbox outbox, FeedbackOutboxOptions options, ILogger<FeedbackOutboxService> logger)
    : BackgroundService
{
    // How long a stopping host may spend giving back what it queued (the database may be the reason it stops).
    static readonly TimeSpan GiveBackTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await PublishUntilStoppedAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: see below.
        }
        // What this process recorded and has not published goes to the other processes' sweeps now, instead of when
        // the claims its INSERTs took run out.
        try
        {
            using var timeout = new CancellationTokenSource(GiveBackTimeout);
            await outbox.GiveBackHandedAsync(timeout.Token);
        }
        catch (Exception exception)
        {
            LogGiveBackFailed(exception.GetBaseException().Message);
        }
    }

    async Task PublishUntilStoppedAsync(CancellationToken stoppingToken)
    {
        var failedSweeps = 0;
        var nextSweep = Stopwatch.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pass = await outbox.PublishHandedAsync(stoppingToken);
                if (Stopwatch.GetTimestamp() >= nextSweep)
                {
                    // Set first: a sweep that fails waits for the next interval, as one that works does.
                    nextSweep = Stopwatch.GetTimestamp() + (long)(options.SweepInterval.TotalSeconds * Stopwatch.Frequency);
                    pass += await outbox.PublishPendingAsync(stoppingToken);
                }
                if (pass.Published > 0) LogPublished(pass.Published);
                if (failedSweeps > 0) LogRecovered(failedSweeps);
                failedSweeps = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The loop must outlive any failure (a locked file, a full disk): the next sweep retries. The first
                // failure of a streak carries its stack trace; the sweeps after it fail alike, one line each.
                if (failedSweeps++ == 0) LogPassFailed(exception);
                else LogStillFailing(failedSweeps, exception.GetBaseException().Message);
            }
            var untilSweep = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), nextSweep);
            await outbox.WaitForWorkAsync(untilSweep > TimeSpan.Zero ? untilSweep : TimeSpan.Zero, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Giving back the feedbacks queued for publishing failed ({Reason}); they are published once their claims run out")]
    partial void LogGiveBackFailed(string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {Count} feedbacks")]
    partial void LogPublished(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing pending feedback failed; retrying at the next sweep")]
    partial void LogPassFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing pending feedback failed again ({Sweeps} sweeps in a row): {Reason}")]
    partial void LogStillFailing(int sweeps, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Publishing pending feedback works again after {Sweeps} failed sweeps")]
    partial void LogRecovered(int sweeps);
}
