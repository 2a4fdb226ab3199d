namespace DomainAssistant.Feedback.Validation;

/// <summary>Feedback that breaks a rule of <see cref="FeedbackRules"/>; the message lists every broken rule.</summary>
public sealed class InvalidFeedbackException : ArgumentException
{
    public InvalidFeedbackException(Guid feedbackId, IReadOnlyList<string> problems)
        : base($"Feedback {feedbackId} is invalid: {string.Join("; ", problems)}.")
    {
        FeedbackId = feedbackId;
        Problems = problems;
    }

    /// <summary>The feedback that was refused.</summary>
    public Guid FeedbackId { get; }

    /// <summary>Each broken rule, in words.</summary>
    public IReadOnlyList<string> Problems { get; }
}
