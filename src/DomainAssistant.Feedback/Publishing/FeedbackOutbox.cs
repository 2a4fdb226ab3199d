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
/// <remarks>
/// Two ways in: what this process records is handed over as it is recorded (<see cref="RecordAsync"/>, claimed in the
/// same statement) and published from memory, batch by batch, each batch marked in one statement; everything else
/// pending (another process's rows whose claim ran out, failed publishes, what a previous process left) is read back
/// by the sweeps (<see cref="PublishPendingAsync"/>).
/// </remarks>
public sealed partial class FeedbackOutbox : IDisposable
{
    readonly IFeedbackStore _store;
    readonly IPublishEndpoint _bus;
    readonly FeedbackOutboxOptions _options;
    readonly ILogger<FeedbackOutbox> _logger;
    readonly TimeProvider _clock;
    readonly SemaphoreSlim _onePass = new(1, 1);
    readonly FeedbackHandOff _handOff = new();
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

    /// <summary>
    /// Records <paramref name="feedback"/> claimed for this outbox and, when it is new, queues it to be published by
    /// <see cref="PublishHandedAsync"/> (the publishing service wakes up at once).
    /// </summary>
    /// <inheritdoc cref="IFeedbackStore.RecordAsync" path="/exception"/>
    public async Task<FeedbackRecording> RecordAsync(FeedbackSubmitted feedback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        _handOff.Hold(feedback.FeedbackId);
        FeedbackRecording recording;
        try
        {
            recording = await _store.RecordClaimedAsync(feedback, cancellationToken);
        }
        catch
        {
            // Whatever the store kept of it (a commit whose answer was lost) is pending: a sweep publishes it.
            _handOff.Let(feedback.FeedbackId);
            throw;
        }
        if (recording != FeedbackRecording.Recorded)
        {
            // Recorded before, by this process or another: whoever holds it publishes it, or a sweep does.
            _handOff.Let(feedback.FeedbackId);
            return recording;
        }
        _handOff.Queue(feedback);
        _wakeUps.Writer.TryWrite(true);
        return recording;
    }

    /// <summary>Waits until <see cref="RecordAsync"/> queues a feedback or <paramref name="timeout"/> passes.</summary>
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
                var read = await _store.ReadPendingAsync(after, _options.BatchSize, cancellationToken);
                if (read.Count == 0) return total;
                var batch = read.Select(stored => stored.Feedback).Where(feedback => !_handOff.IsHeld(feedback.FeedbackId)).ToList();
                var pass = await PublishBatchAsync(batch, cancellationToken);
                total += pass;
                if (pass.Failed > 0) return total;
                after = read[^1].Sequence;
            }
        }
        finally
        {
            _onePass.Release();
        }
    }

    /// <summary>
    /// Publishes what <see cref="RecordAsync"/> queued, batch by batch, until the queue is empty. When a batch has a
    /// failure the rest of the queue is given back to the sweeps at once (the broker is refusing: publishing them one
    /// batch after another would hold the pass for a publish timeout each). One pass at a time.
    /// </summary>
    public async Task<OutboxPass> PublishHandedAsync(CancellationToken cancellationToken = default)
    {
        await _onePass.WaitAsync(cancellationToken);
        try
        {
            var total = new OutboxPass(0, 0);
            for (var batch = _handOff.Take(_options.BatchSize); batch.Count > 0; batch = _handOff.Take(_options.BatchSize))
            {
                OutboxPass pass;
                try
                {
                    pass = await PublishBatchAsync(batch, cancellationToken);
                }
                finally
                {
                    foreach (var feedback in batch) _handOff.Let(feedback.FeedbackId);
                }
                total += pass;
                if (pass.Failed > 0)
                {
                    await GiveBackQueuedAsync(cancellationToken);
                    return total;
                }
            }
            return total;
        }
        finally
        {
            _onePass.Release();
        }
    }

    /// <summary>
    /// Gives what <see cref="RecordAsync"/> queued and no pass has taken yet back to the sweeps of every process at once
    /// (for a host that stops), after the pass in flight, if any, ends.
    /// </summary>
    public async Task GiveBackHandedAsync(CancellationToken cancellationToken = default)
    {
        await _onePass.WaitAsync(cancellationToken);
        try
        {
            await GiveBackQueuedAsync(cancellationToken);
        }
        finally
        {
            _onePass.Release();
        }
    }

    async Task GiveBackQueuedAsync(CancellationToken cancellationToken)
    {
        var queued = _handOff.Take(int.MaxValue);
        try
        {
            await _store.ReleaseAsync([.. queued.Select(feedback => feedback.FeedbackId)], cancellationToken);
        }
        finally
        {
            // Released or not (a claim the release missed runs out), the sweeps publish them from now on.
            foreach (var feedback in queued) _handOff.Let(feedback.FeedbackId);
        }
    }

    async Task<OutboxPass> PublishBatchAsync(List<FeedbackSubmitted> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return new OutboxPass(0, 0);
        var errors = await Task.WhenAll(batch.Select(feedback => TryPublishAsync(feedback, cancellationToken)));
        var confirmed = batch.Where((_, i) => errors[i] is null).Select(feedback => feedback.FeedbackId).ToList();
        await _store.MarkPublishedAsync(confirmed, _clock.GetUtcNow(), cancellationToken);

        var failed = batch.Where((_, i) => errors[i] is not null).Select(feedback => feedback.FeedbackId).ToList();
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
