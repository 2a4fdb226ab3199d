using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Validation;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Feedback.Filing;

/// <summary>
/// Files each <see cref="FeedbackSubmitted"/> as a training example, once per feedback id whatever the number of
/// deliveries. Invalid feedback faults at once (see <see cref="FeedbackSubmittedConsumerDefinition"/>). The host's
/// <see cref="IFeedbackFiledListener"/>s (the alignment trigger) are told once it is filed.
/// </summary>
public sealed partial class FeedbackSubmittedConsumer(IFeedbackInbox inbox, IEnumerable<IFeedbackFiledListener> listeners,
    ILogger<FeedbackSubmittedConsumer> logger)
    : IConsumer<FeedbackSubmitted>
{
    public async Task Consume(ConsumeContext<FeedbackSubmitted> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feedback = context.Message;
        FeedbackRules.Validate(feedback);
        if (await inbox.FileAsync(feedback, context.CancellationToken))
            LogFiled(feedback.FeedbackId, feedback.Rating, feedback.Domain);
        else
            LogAlreadyFiled(feedback.FeedbackId);
        foreach (var listener in listeners) await listener.FiledAsync(feedback, context);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Filed feedback {FeedbackId} ({Rating}, domain {Domain}) as a training example")]
    partial void LogFiled(Guid feedbackId, string rating, string domain);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feedback {FeedbackId} was already filed; this delivery changes nothing")]
    partial void LogAlreadyFiled(Guid feedbackId);
}
