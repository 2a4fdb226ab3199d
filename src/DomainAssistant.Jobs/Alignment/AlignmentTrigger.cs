using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Filing;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Jobs.Alignment;

/// <summary>
/// Starts an alignment run of a domain once <see cref="AlignmentOptions.RunAfterFeedbacks"/> feedbacks of it were
/// filed since its last run. The count is read from the inbox (what was filed after the last run's sequence), never
/// kept in memory, so a restart loses nothing and a redelivered feedback counts once; the ledger's transaction makes
/// the decision once when several feedbacks are filed together. Feedbacks of a domain filed while its check runs share
/// the next check (<see cref="SharedDomainChecks"/>), which starts after they were filed and so counts them all.
/// </summary>
public sealed partial class AlignmentTrigger(AlignmentOptions options, IAlignmentRunLedger ledger, IFeedbackInbox inbox, TimeProvider clock,
    ILogger<AlignmentTrigger> logger) : IFeedbackFiledListener
{
    /// <summary>Who a run the trigger started was requested by.</summary>
    public const string RequestedBy = "feedback-trigger";

    readonly SharedDomainChecks _checks = new();

    public Task FiledAsync(FeedbackSubmitted feedback, ConsumeContext context)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        ArgumentNullException.ThrowIfNull(context);
        if (options.RunAfterFeedbacks == 0) return Task.CompletedTask;
        return _checks.RunAsync(feedback.Domain, () => CheckAsync(feedback, context));
    }

    // Queues and publishes a run when one is due; the delivery whose check this is publishes it.
    async Task CheckAsync(FeedbackSubmitted feedback, ConsumeContext context)
    {
        var start = new StartAlignmentRun(Guid.NewGuid(), feedback.Domain, options.Method, RequestedBy);
        var run = await ledger.QueueWhenDueAsync(start, options.RunAfterFeedbacks,
            after => inbox.CountForDomainAsync(feedback.Domain, after, context.CancellationToken), clock.GetUtcNow(), context.CancellationToken);
        if (run is null) return;
        // A run queued earlier whose start was never confirmed goes out again under its own id and method.
        var message = run.Id == start.JobId ? start : start with { JobId = run.Id, Method = run.Method };
        await context.Publish(message, context.CancellationToken);
        await ledger.MarkPublishedAsync(run.Id, context.CancellationToken);
        LogStarted(run.Id, run.Domain, run.Method, options.RunAfterFeedbacks);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alignment run {JobId} of {Domain} ({Method}) started: {Threshold} or more feedbacks filed since the last run")]
    partial void LogStarted(Guid jobId, string domain, string method, int threshold);
}
