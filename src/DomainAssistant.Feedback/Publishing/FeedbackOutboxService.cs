using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Feedback.Publishing;

/// <summary>
/// Runs the <see cref="FeedbackOutbox"/> for the host's lifetime: first whatever a previous process stored but
/// never got confirmed, then each new feedback as it is recorded, and everything still pending every sweep interval.
/// </summary>
public sealed partial class FeedbackOutboxService(FeedbackOutbox outbox, FeedbackOutboxOptions options, ILogger<FeedbackOutboxService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pass = await outbox.PublishPendingAsync(stoppingToken);
                if (pass.Published > 0) LogPublished(pass.Published);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The loop must outlive any failure (a locked file, a full disk): the next sweep retries.
                LogPassFailed(exception);
            }
            await outbox.WaitForWorkAsync(options.SweepInterval, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {Count} feedbacks")]
    partial void LogPublished(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing pending feedback failed; retrying at the next sweep")]
    partial void LogPassFailed(Exception exception);
}
