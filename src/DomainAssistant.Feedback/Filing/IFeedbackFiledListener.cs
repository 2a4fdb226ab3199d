using DomainAssistant.Contracts;
using MassTransit;

namespace DomainAssistant.Feedback.Filing;

/// <summary>
/// Told after a feedback is in the inbox, on every delivery (a redelivery too: a listener that failed the first time
/// gets another chance, so whatever it keeps must be derived from the inbox, not from counting calls). A listener
/// that throws fails the delivery, which is retried; the filing itself is never undone.
/// </summary>
public interface IFeedbackFiledListener
{
    /// <param name="feedback">The feedback, filed now or earlier.</param>
    /// <param name="context">The delivery: publish what follows through it.</param>
    Task FiledAsync(FeedbackSubmitted feedback, ConsumeContext context);
}
