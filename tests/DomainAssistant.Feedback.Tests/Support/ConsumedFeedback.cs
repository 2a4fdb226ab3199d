using System.Collections.Concurrent;
using DomainAssistant.Contracts;
using MassTransit;

namespace DomainAssistant.Feedback.Tests.Support;

/// <summary>Counts deliveries the consumer finished, per feedback id (connected to a running bus as an observer).</summary>
public sealed class ConsumedFeedback : IConsumeMessageObserver<FeedbackSubmitted>
{
    readonly ConcurrentDictionary<Guid, int> _deliveries = new();
    int _total;

    public int Total => Volatile.Read(ref _total);

    public int Deliveries(Guid feedbackId) => _deliveries.GetValueOrDefault(feedbackId);

    public Task PreConsume(ConsumeContext<FeedbackSubmitted> context) => Task.CompletedTask;

    public Task PostConsume(ConsumeContext<FeedbackSubmitted> context)
    {
        _deliveries.AddOrUpdate(context.Message.FeedbackId, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _total);
        return Task.CompletedTask;
    }

    public Task ConsumeFault(ConsumeContext<FeedbackSubmitted> context, Exception exception) => Task.CompletedTask;
}
