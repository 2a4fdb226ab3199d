using DomainAssistant.Feedback.Validation;
using MassTransit;

namespace DomainAssistant.Feedback.Filing;

/// <summary>
/// The feedback queue: its name (<c>Bus:FeedbackQueue</c>), how many messages are filed at once
/// (<c>Bus:FeedbackConcurrency</c>), and retries for failures that pass (a busy database file), none for invalid
/// feedback. A message that still fails after the retries moves to the queue's <c>_error</c> queue, not lost.
/// </summary>
public sealed class FeedbackSubmittedConsumerDefinition : ConsumerDefinition<FeedbackSubmittedConsumer>
{
    // Short first (a locked file clears quickly), then longer (a full disk or a restarting database may not).
    static readonly TimeSpan[] RetryIntervals =
    [
        TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2),
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15),
    ];

    public FeedbackSubmittedConsumerDefinition(FeedbackBusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        EndpointName = options.FeedbackQueue;
        ConcurrentMessageLimit = options.FeedbackConcurrency;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<FeedbackSubmittedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Ignore<InvalidFeedbackException>();
            retry.Intervals(RetryIntervals);
        });
    }
}
