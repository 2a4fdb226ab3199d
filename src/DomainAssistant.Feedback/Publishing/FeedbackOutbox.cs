using System.Threading.Channels;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Recording;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Feedback.Publishing;

/// <summary>
/// Publishes stored feedback that is still pending and marks it published only once the broker confirmed it, so
/// a crash anywhere between store and confirm leaves it pending, to be published again (consumers are idempotent).
/// On RabbitMQ each publish is mandatory: feedback that no queue would receive is returned, and stays pending.
/// </summary>
public sealed partial class FeedbackOutbox : IDisposable
{
    readonly IFeedbackStore _store;
    readonly IPublishEndpoint _bus;
    readonly FeedbackOutboxOptions _options;
    readonly ILogger<FeedbackOutbox> _logger;
    readonly TimeProvider _clock;
    readonly SemaphoreSlim _onePass = new(1, 1);
    readonly Channel<bool> _wakeUps = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public FeedbackOutbox(IFeedbackStore store, IPublishEndpoint bus, FeedbackOutboxOptions options, ILogger<FeedbackOutbox> logger,
        TimeProvider? clock = null)
    {
        _store = store;
        _bus = bus;
        _options = options;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Tells the outbox that new feedback is pending (the publishing service wakes up at once).</summary>
    public void Notify() => _wakeUps.Writer.TryWrite(true);

    /// <summary>Waits until <see cref="Notify"/> is called or <paramref name="timeout"/> passes.</summary>
    public async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            await _wakeUps.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The sweep interval passed: time to retry whatever is still pending.
        }
    }

    /// <summary>
    /// Publishes pending feedback in store order, batch by batch, until none is left or a batch has a failure
    /// (the broker is refusing: the rest waits for the next pass). One pass at a time.
    /// </summary>
    public async Task<OutboxPass> PublishPendingAsync(CancellationToken cancellationToken = default)
    {
        await _onePass.WaitAsync(cancellationToken);
        try
        {
            var total = new OutboxPass(0, 0);
            for (long after = 0; ;)
            {
                var batch = await _store.ReadPendingAsync(after, _options.BatchSize, cancellationToken);
                if (batch.Count == 0) return total;
                var pass = await PublishBatchAsync(batch, cancellationToken);
                total = new OutboxPass(total.Published + pass.Published, total.Failed + pass.Failed);
                if (pass.Failed > 0) return total;
                after = batch[^1].Sequence;
            }
        }
        finally
        {
            _onePass.Release();
        }
    }

    async Task<OutboxPass> PublishBatchAsync(IReadOnlyList<StoredFeedback> batch, CancellationToken cancellationToken)
    {
        var errors = await Task.WhenAll(batch.Select(stored => TryPublishAsync(stored.Feedback, cancellationToken)));
        var confirmed = batch.Where((_, i) => errors[i] is null).Select(stored => stored.Feedback.FeedbackId).ToList();
        await _store.MarkPublishedAsync(confirmed, _clock.GetUtcNow(), cancellationToken);

        var failed = batch.Where((_, i) => errors[i] is not null).Select(stored => stored.Feedback.FeedbackId).ToList();
        if (failed.Count > 0)
        {
            var reason = errors.First(error => error is not null)!;
            await _store.MarkPublishFailedAsync(failed, reason, cancellationToken);
            LogPublishFailed(failed.Count, reason);
        }
        return new OutboxPass(confirmed.Count, failed.Count);
    }

    // Null when the broker confirmed the publish; otherwise why it did not.
    async Task<string?> TryPublishAsync(FeedbackSubmitted feedback, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        try
        {
            await _bus.Publish(feedback, RequireDelivery, timeout.Token);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"the broker did not confirm within {_options.PublishTimeout.TotalSeconds:0.#} s";
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return $"{exception.GetType().Name}: {exception.Message}";
        }
    }

    static void RequireDelivery(PublishContext<FeedbackSubmitted> context)
    {
        // The message id is the feedback id, so broker tools and logs name the same thing.
        context.MessageId = context.Message.FeedbackId;
        if (context.TryGetPayload(out RabbitMqSendContext? rabbit)) rabbit.Mandatory = true;
    }

    public void Dispose() => _onePass.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} feedbacks stay pending: publish failed ({Reason})")]
    partial void LogPublishFailed(int count, string reason);
}
