using DomainAssistant.Contracts;
using MassTransit;

namespace DomainAssistant.Bench.ScaleOut;

/// <summary>
/// Feedback messages put straight onto the stack's broker, as the API processes' outboxes publish them (same message
/// type, same exchange, publisher confirms), so a queue can be filled while the worker is paused.
/// </summary>
public static class QueuedFeedback
{
    /// <summary>
    /// <paramref name="count"/> valid feedbacks of <paramref name="domain"/>, each with its own id and user, about the size
    /// of what the stack records (a grounded prompt of a few KB and its answer).
    /// </summary>
    public static IReadOnlyList<FeedbackSubmitted> Make(int count, string domain)
    {
        var context = string.Concat(Enumerable.Range(0, 24).Select(i => $"[{i + 1}] Passage {i} of the manual: hold the reset button for ten seconds, then wait for the light.\n"));
        var at = DateTimeOffset.UtcNow;
        return [.. Enumerable.Range(0, count).Select(i => new FeedbackSubmitted(Guid.NewGuid(), Guid.NewGuid(), i % 3 == 0 ? FeedbackRating.Down : FeedbackRating.Up,
            i % 5 == 0 ? "missed the point" : null, i % 3 == 0 ? ["wrong"] : [],
            $"<|system|>\nAnswer from the context.\n{context}<|user|>\nHow do I reset my router ({i})?\n<|assistant|>\n",
            ["doc-1#0", "doc-2#3", "doc-7#1"], $"Hold the reset button for ten seconds [1], then wait for the light ({i}).", "tidewell-support-model",
            null, null, null, domain, at.AddMilliseconds(i))
        {
            User = $"drain-{i:D6}",
            CitedChunkIds = ["doc-1#0"],
        })];
    }

    /// <summary>Publishes <paramref name="feedbacks"/> on a bus of its own, <paramref name="concurrency"/> at once, each confirmed by the broker.</summary>
    public static async Task<TimeSpan> PublishAsync(Uri broker, IReadOnlyList<FeedbackSubmitted> feedbacks, int concurrency)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(broker, host =>
        {
            host.Username("guest");
            host.Password("guest");
            host.PublisherConfirmation = true;
        }));
        await bus.StartAsync();
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                for (int i; (i = Interlocked.Increment(ref next)) < feedbacks.Count;) await bus.Publish(feedbacks[i]);
            }));
            return clock.Elapsed;
        }
        finally
        {
            await bus.StopAsync();
        }
    }
}
