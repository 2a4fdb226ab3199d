using System.Diagnostics;
using System.Collections.Concurrent;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Publishing;
using DomainAssistant.Feedback.Recording;
using DomainAssistant.Feedback.Tests.Support;
using DomainAssistant.Storage.PostgreSql;
using DomainAssistant.Storage.Tests;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;

namespace DomainAssistant.Feedback.Tests.Publishing;

/// <summary>
/// The outbox publishing what its own process records (claimed in the INSERT, published from memory) beside the sweeps
/// that publish everything else: every feedback is published exactly once, by one process, also when a process dies
/// holding claims. Outboxes here are driven by hand on an in-memory bus that counts each publish.
/// </summary>
public sealed class OutboxHandOffTests : IAsyncLifetime
{
    readonly IBusControl _bus = MassTransit.Bus.Factory.CreateUsingInMemory(_ => { });
    readonly PublishedFeedback _published = new();

    public async Task InitializeAsync()
    {
        _bus.ConnectPublishObserver(_published);
        await _bus.StartAsync();
    }

    public Task DisposeAsync() => _bus.StopAsync();

    FeedbackOutbox Outbox(IFeedbackStore store) =>
        new(store, _bus, new FeedbackOutboxOptions { BatchSize = 7 }, NullLogger<FeedbackOutbox>.Instance);

    [SkippableFact]
    public async Task Two_outboxes_on_one_database_publish_every_feedback_once_when_a_third_dies_holding_claims()
    {
        await using var server = await ScratchPostgres.CreateAsync();
        await using var database = new PostgresDatabase(server.ConnectionString);
        var claim = TimeSpan.FromSeconds(3);
        var (dyingStore, firstStore, secondStore) = (new PostgresFeedbackStore(database, claim: claim),
            new PostgresFeedbackStore(database), new PostgresFeedbackStore(database));
        var (dying, first, second) = (Outbox(dyingStore), Outbox(firstStore), Outbox(secondStore));
        var all = Enumerable.Range(0, 120).Select(FeedbackSamples.Valid).ToList();

        // The process that dies: a sweep of its claimed what an earlier process left pending, and it recorded more,
        // claimed in the INSERT; it published none of them.
        foreach (var feedback in all[..20]) await firstStore.RecordAsync(feedback);
        var claimed = Stopwatch.StartNew();
        Assert.Equal(20, (await dyingStore.ReadPendingAsync(0, 100)).Count);
        foreach (var feedback in all[20..40]) Assert.Equal(FeedbackRecording.Recorded, await dying.RecordAsync(feedback));
        var lastClaimed = Stopwatch.StartNew();

        // The two live processes record the rest at once, each publishing what it recorded while both sweep.
        var recorded = all[40..].Select((feedback, i) => (i % 2 == 0 ? first : second).RecordAsync(feedback));
        var passes = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await Task.WhenAll(first.PublishHandedAsync(), second.PublishHandedAsync(), first.PublishPendingAsync(), second.PublishPendingAsync());
        }));
        Assert.All(await Task.WhenAll(recorded), recording => Assert.Equal(FeedbackRecording.Recorded, recording));
        await Task.WhenAll(passes);
        await Task.WhenAll(first.PublishHandedAsync(), second.PublishHandedAsync());

        Assert.All(all[40..], feedback => Assert.Equal(1, _published.Times(feedback.FeedbackId)));
        // (Unless this machine was so slow that the dead process's first claims ran out meanwhile.)
        if (claimed.Elapsed < claim)
        {
            Assert.All(all[..40], feedback => Assert.Equal(0, _published.Times(feedback.FeedbackId)));
            Assert.Equal(40, await firstStore.CountPendingAsync());
        }

        // The dead process's claims run out: the survivors' sweeps, racing, publish each of its feedbacks once.
        var runsOut = claim + TimeSpan.FromMilliseconds(500) - lastClaimed.Elapsed;
        if (runsOut > TimeSpan.Zero) await Task.Delay(runsOut);
        await Task.WhenAll(first.PublishPendingAsync(), second.PublishPendingAsync());

        Assert.All(all, feedback => Assert.Equal(1, _published.Times(feedback.FeedbackId)));
        Assert.Equal(all.Count, _published.Total);
        Assert.Equal(0, await firstStore.CountPendingAsync());
    }

    [SkippableFact]
    public async Task What_a_stopping_process_queued_and_never_published_goes_to_the_other_processes_at_once()
    {
        await using var server = await ScratchPostgres.CreateAsync();
        await using var database = new PostgresDatabase(server.ConnectionString);
        var (stopping, other) = (Outbox(new PostgresFeedbackStore(database)), Outbox(new PostgresFeedbackStore(database)));
        var queued = Enumerable.Range(0, 10).Select(FeedbackSamples.Valid).ToList();
        foreach (var feedback in queued) await stopping.RecordAsync(feedback);
        Assert.Equal(0, (await other.PublishPendingAsync()).Published);

        await stopping.GiveBackHandedAsync();

        Assert.Equal(10, (await other.PublishPendingAsync()).Published);
        Assert.Equal(0, (await stopping.PublishHandedAsync()).Published);
        Assert.All(queued, feedback => Assert.Equal(1, _published.Times(feedback.FeedbackId)));
    }

    [Fact]
    public async Task A_sweep_of_a_store_without_claims_leaves_what_the_recorder_handed_over_to_it()
    {
        using var data = new TempDirectory();
        var store = new SqliteFeedbackStore(data.File("feedback.db"));
        var outbox = Outbox(store);
        var leftBefore = FeedbackSamples.Valid(0);
        await store.RecordAsync(leftBefore);
        var handed = Enumerable.Range(1, 30).Select(FeedbackSamples.Valid).ToList();
        foreach (var feedback in handed) await outbox.RecordAsync(feedback);

        // The sweep comes first: it publishes only what nobody holds, then the hand-off publishes the rest.
        Assert.Equal(1, (await outbox.PublishPendingAsync()).Published);
        Assert.Equal(30, (await outbox.PublishHandedAsync()).Published);

        Assert.All(handed.Append(leftBefore), feedback => Assert.Equal(1, _published.Times(feedback.FeedbackId)));
        Assert.Equal(0, await store.CountPendingAsync());
        Assert.Equal(0, (await outbox.PublishPendingAsync()).Published);
    }

    sealed class PublishedFeedback : IPublishObserver
    {
        readonly ConcurrentDictionary<Guid, int> _times = new();
        int _total;

        public int Total => Volatile.Read(ref _total);

        public int Times(Guid feedbackId) => _times.GetValueOrDefault(feedbackId);

        public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

        public Task PostPublish<T>(PublishContext<T> context) where T : class
        {
            if (context.Message is FeedbackSubmitted feedback)
            {
                _times.AddOrUpdate(feedback.FeedbackId, 1, (_, n) => n + 1);
                Interlocked.Increment(ref _total);
            }
            return Task.CompletedTask;
        }

        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
