using DomainAssistant.Contracts;

namespace DomainAssistant.Feedback.Filing;

/// <summary>A feedback filed as a training example.</summary>
/// <param name="Feedback">The feedback with its whole lineage.</param>
/// <param name="Sequence">Increasing filing order: a trainer resumes after the last sequence it read.</param>
/// <param name="FiledAt">When it was filed.</param>
public sealed record FiledFeedback(FeedbackSubmitted Feedback, long Sequence, DateTimeOffset FiledAt);
