using System.Net;
using System.Net.Sockets;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.Feedback.Recording;
using DomainAssistant.Feedback.Tests.Support;
using MassTransit;

namespace DomainAssistant.Feedback.Tests.Publishing;

/// <summary>
/// The outbox as a host runs it (the service defaults, the bus and feedback recording, hosted services, in-memory bus, real SQLite files): what was
/// stored before a crash is published when the next process starts, and filed exactly once.
/// </summary>
public sealed class FeedbackOutboxTests : IDisposable
{
    readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    Dictionary<string, string?> EmbeddedSettings() => new() { ["Storage:DataDirectory"] = _data.Path };

    // As a host starts by default: the outbox may publish before the bus has finished starting.
    FeedbackNode EmbeddedNode() => FeedbackNode.Create(EmbeddedSettings(), waitUntilBusStarted: false);

    [Fact]
    public async Task Feedback_stored_before_a_crash_is_published_and_filed_when_the_next_process_starts()
    {
        // The previous process stored three feedbacks and died before publishing any of them.
        var stored = Enumerable.Range(0, 3).Select(FeedbackSamples.Valid).ToList();
        var previous = new SqliteFeedbackStore(_data.File("feedback.db"));
        foreach (var feedback in stored) await previous.RecordAsync(feedback);

        await using var next = EmbeddedNode();
        await next.StartAsync();

        var inbox = next.Get<IFeedbackInbox>();
        var store = next.Get<IFeedbackStore>();
        await Eventually.HoldsAsync(async () => await store.CountPendingAsync() == 0 && await inbox.CountAsync() == 3,
            TimeSpan.FromSeconds(15), "the pending feedback was published and filed");
        var filed = await inbox.ReadAsync(0, 10);
        Assert.Equal(stored.Select(f => f.FeedbackId).Order(), filed.Select(f => f.Feedback.FeedbackId).Order());
        Assert.All(stored, feedback => Assert.Equal(1, store.FindAsync(feedback.FeedbackId).Result!.PublishAttempts));
    }

    [Fact]
    public async Task Feedback_published_but_not_marked_before_a_crash_is_published_again_and_filed_once()
    {
        // The previous process stored two feedbacks; the first one's publish got through (it was filed), but the
        // process died before marking it published.
        var first = FeedbackSamples.Valid(1);
        var second = FeedbackSamples.Valid(2);
        var previous = new SqliteFeedbackStore(_data.File("feedback.db"));
        await previous.RecordAsync(first);
        await previous.RecordAsync(second);
        await new SqliteFeedbackInbox(_data.File("training-examples.db")).FileAsync(first);

        await using var next = EmbeddedNode();
        var consumed = new ConsumedFeedback();
        next.Get<IBus>().ConnectConsumeMessageObserver(consumed);
        await next.StartAsync();

        await Eventually.HoldsAsync(() => Task.FromResult(consumed.Total == 2), TimeSpan.FromSeconds(15), "both were delivered");
        // A publish is marked once the broker confirmed it, which can come after the consumer already filed it.
        await Eventually.HoldsAsync(async () => await next.Get<IFeedbackStore>().CountPendingAsync() == 0, TimeSpan.FromSeconds(15), "both were marked published");
        Assert.Equal(1, consumed.Deliveries(first.FeedbackId));
        Assert.Equal(2, await next.Get<IFeedbackInbox>().CountAsync());
    }

    [Fact]
    public async Task Submitted_feedback_is_stored_first_then_published_and_filed()
    {
        await using var node = EmbeddedNode();
        await node.StartAsync();
        var recorder = node.Get<FeedbackRecorder>();
        var submitted = Enumerable.Range(0, 50).Select(FeedbackSamples.Valid).ToList();

        foreach (var feedback in submitted)
            Assert.Equal(FeedbackRecording.Recorded, await recorder.SubmitAsync(feedback));

        var inbox = node.Get<IFeedbackInbox>();
        await Eventually.HoldsAsync(async () => await inbox.CountAsync() == 50, TimeSpan.FromSeconds(15), "all 50 were filed");
        await Eventually.HoldsAsync(async () => await node.Get<IFeedbackStore>().CountPendingAsync() == 0, TimeSpan.FromSeconds(15), "all 50 were marked published");
        var filed = await inbox.ReadAsync(0, 100);
        Assert.Equal(submitted.Select(f => f.FeedbackId).Order(), filed.Select(f => f.Feedback.FeedbackId).Order());
    }

    [Fact]
    public async Task Feedback_stays_pending_while_the_broker_is_unreachable()
    {
        await using var node = FeedbackNode.Create(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:RabbitMq:Port"] = UnusedLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Bus:Outbox:PublishTimeout"] = "00:00:01",
            ["Storage:DataDirectory"] = _data.Path,
            ["Jobs:RunInProcess"] = "false",
        }, waitUntilBusStarted: false);
        await node.StartAsync();
        var feedback = FeedbackSamples.Valid(4);

        Assert.Equal(FeedbackRecording.Recorded, await node.Get<FeedbackRecorder>().SubmitAsync(feedback));

        var store = node.Get<IFeedbackStore>();
        await Eventually.HoldsAsync(async () => (await store.FindAsync(feedback.FeedbackId))!.PublishAttempts >= 1,
            TimeSpan.FromSeconds(15), "a publish was attempted");
        var stored = (await store.FindAsync(feedback.FeedbackId))!;
        Assert.True(stored.IsPending);
        Assert.Equal("the broker did not confirm within 1 s", stored.LastPublishError);
    }

    static int UnusedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
