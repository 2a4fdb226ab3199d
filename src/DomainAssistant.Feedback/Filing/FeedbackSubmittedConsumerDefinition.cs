using DomainAssistant.Feedback.Validation;
using MassTransit;

namespace DomainAssistant.Feedback.Filing;

/// <summary>
/// The feedback queue: its name (<c>Bus:FeedbackQueue</c>), how many messages are filed at once
/// (<c>Bus:FeedbackConcurrency</c>), and retries: none for invalid feedback; for a store that cannot be reached or
/// written (a restarting database, a full or read-only disk), without a limit, backing off to a try every 30 seconds,
/// since the feedback is valid and an operator would only move it back from the error queue once the store is back;
/// a few for anything else, after which the message moves to the queue's <c>_error</c> queue, not lost.
/// </summary>
public sealed class FeedbackSubmittedConsumerDefinition : ConsumerDefinition<FeedbackSubmittedConsumer>
{
    // Short first (a passing glitch clears quickly), then longer.
    static readonly TimeSpan[] RetryIntervals =
    [
        TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2),
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15),
    ];

    static readonly TimeSpan OutageBackoffFirst = TimeSpan.FromMilliseconds(200);
    static readonly TimeSpan OutageBackoffLongest = TimeSpan.FromSeconds(30);

    public FeedbackSubmittedConsumerDefinition(FeedbackBusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        EndpointName = options.FeedbackQueue;
        ConcurrentMessageLimit = options.FeedbackConcurrency;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<FeedbackSubmittedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // The outer policy sees only store failures (the inner one passes them through at once).
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Handle<Exception>(IsStoreFailure);
            retry.Exponential(int.MaxValue, OutageBackoffFirst, OutageBackoffLongest, OutageBackoffFirst);
        });
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Ignore<InvalidFeedbackException>();
            retry.Ignore<Exception>(IsStoreFailure);
            retry.Intervals(RetryIntervals);
        });
    }

    /// <summary>A store that cannot be reached or written: a database error, I/O, or a timeout.</summary>
    static bool IsStoreFailure(Exception exception) => exception is System.Data.Common.DbException or IOException or TimeoutException;
}
