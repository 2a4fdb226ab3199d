using System.Diagnostics;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.Feedback.Publishing;
using DomainAssistant.Feedback.Recording;
using DomainAssistant.Feedback.Tests.Support;
using MassTransit;
using Xunit.Abstractions;

namespace DomainAssistant.Feedback.Tests.RabbitMq;

/// <summary>
/// The feedback path over a real RabbitMQ on loopback (durable queues, publisher confirms): an API node that only
/// records and publishes, a worker node that files. Each test uses its own queue and deletes it afterwards. The
/// tests share one class so they run one at a time: they all publish to the same FeedbackSubmitted exchange.
/// </summary>
public sealed class FeedbackOverRabbitMqTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    readonly string _queue = RabbitMqBroker.UniqueQueue();
    readonly TempDirectory _apiData = new();
    readonly TempDirectory _workerData = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (RabbitMqBroker.Host is not null) await RabbitMqBroker.DeleteQueueAsync(_queue);
    }

    public void Dispose()
    {
        _apiData.Dispose();
        _workerData.Dispose();
    }

    FeedbackNode ApiNode() => FeedbackNode.Create(RabbitMqBroker.Settings(_queue, _apiData.Path, runsConsumers: false));

    FeedbackNode WorkerNode() => FeedbackNode.Create(RabbitMqBroker.Settings(_queue, _workerData.Path, runsConsumers: true));

    [RabbitMqFact]
    public async Task A_thousand_feedbacks_posted_while_the_worker_is_down_are_filed_exactly_once_when_it_starts()
    {
        const int count = 1_000;
        // The worker ran once (its durable queue exists) and is down now.
        await using (var worker = WorkerNode()) await worker.StartAsync();
        var posted = Enumerable.Range(0, count).Select(FeedbackSamples.Valid).ToList();

        var (stored, confirmed) = await PostThroughAnApiNodeAsync(posted);
        Assert.Equal((uint)count, await RabbitMqBroker.ReadyMessagesAsync(_queue));

        await using var restarted = WorkerNode();
        var consumed = new ConsumedFeedback();
        restarted.Get<IBus>().ConnectConsumeMessageObserver(consumed);
        var clock = Stopwatch.StartNew();
        await restarted.StartAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(consumed.Total >= count), TimeSpan.FromSeconds(30), "every message was consumed");
        var drained = clock.Elapsed;

        var filed = await restarted.Get<IFeedbackInbox>().ReadAsync(0, 2 * count);
        Assert.Equal(count, filed.Count);
        Assert.Equal(count, filed.Select(f => f.Feedback.FeedbackId).Distinct().Count());
        Assert.Equal(posted.Select(f => f.FeedbackId).Order(), filed.Select(f => f.Feedback.FeedbackId).Order());
        var byId = posted.ToDictionary(f => f.FeedbackId);
        Assert.All(filed, f => FeedbackSamples.AssertSame(byId[f.Feedback.FeedbackId], f.Feedback));
        Assert.Equal(count, consumed.Total);
        Assert.Equal(0u, await RabbitMqBroker.ReadyMessagesAsync(_queue));
        Report(count, stored, confirmed, drained);
    }

    // Submits through the recorder (8 at a time, like concurrent API requests) and waits for every broker confirm.
    async Task<(TimeSpan Stored, TimeSpan Confirmed)> PostThroughAnApiNodeAsync(IReadOnlyList<FeedbackSubmitted> feedbacks)
    {
        await using var api = ApiNode();
        await api.StartAsync();
        var recorder = api.Get<FeedbackRecorder>();
        var store = api.Get<IFeedbackStore>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(feedbacks, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (feedback, cancel) => Assert.Equal(FeedbackRecording.Recorded, await recorder.SubmitAsync(feedback, cancel)));
        var stored = clock.Elapsed;
        await Eventually.HoldsAsync(async () => await store.CountPendingAsync() == 0, TimeSpan.FromSeconds(30),
            "the broker confirmed every feedback");
        return (stored, clock.Elapsed);
    }

    void Report(int count, TimeSpan stored, TimeSpan confirmed, TimeSpan drained)
    {
        output.WriteLine($"stored {count} locally in {stored.TotalMilliseconds:0} ms ({count / stored.TotalSeconds:0}/s); " +
                         $"all confirmed by the broker at {confirmed.TotalMilliseconds:0} ms ({count / confirmed.TotalSeconds:0}/s)");
        output.WriteLine($"worker start + filing all {count}: {drained.TotalMilliseconds:0} ms ({count / drained.TotalSeconds:0}/s); " +
                         $"end to end (post -> filed, worker start included): {count / (confirmed + drained).TotalSeconds:0} messages/s");
    }

    [RabbitMqFact]
    public async Task Feedback_published_twice_is_filed_once()
    {
        await using var worker = WorkerNode();
        var consumed = new ConsumedFeedback();
        worker.Get<IBus>().ConnectConsumeMessageObserver(consumed);
        await worker.StartAsync();
        var feedback = FeedbackSamples.Valid(1);
        var bus = worker.Get<IBus>();

        await bus.Publish(feedback);
        await bus.Publish(feedback);

        await Eventually.HoldsAsync(() => Task.FromResult(consumed.Deliveries(feedback.FeedbackId) == 2), TimeSpan.FromSeconds(15),
            "both copies were delivered");
        var filed = await worker.Get<IFeedbackInbox>().ReadAsync(0, 10);
        FeedbackSamples.AssertSame(feedback, Assert.Single(filed).Feedback);
    }

    [RabbitMqFact]
    public async Task Feedback_no_queue_would_receive_stays_pending_until_the_worker_has_declared_its_queue()
    {
        // No worker has ever run: nothing is bound to receive feedback, so RabbitMQ returns the mandatory publish.
        await using var api = ApiNode();
        await api.StartAsync();
        var feedback = FeedbackSamples.Valid(2);
        await api.Get<FeedbackRecorder>().SubmitAsync(feedback);

        var store = api.Get<IFeedbackStore>();
        await Eventually.HoldsAsync(async () => (await store.FindAsync(feedback.FeedbackId))!.PublishAttempts >= 1,
            TimeSpan.FromSeconds(15), "a publish was attempted");
        var returned = (await store.FindAsync(feedback.FeedbackId))!;
        Assert.True(returned.IsPending,
            "the publish was confirmed although no queue of this test was bound: is a queue left from an earlier run bound to the FeedbackSubmitted exchange?");
        Assert.Contains("returned", returned.LastPublishError, StringComparison.OrdinalIgnoreCase);

        await using var worker = WorkerNode();
        await worker.StartAsync();
        await api.Get<FeedbackOutbox>().PublishPendingAsync();

        var inbox = worker.Get<IFeedbackInbox>();
        await Eventually.HoldsAsync(async () => await inbox.CountAsync() == 1, TimeSpan.FromSeconds(15), "the worker filed it");
        Assert.Equal(0, await store.CountPendingAsync());
    }
}
