namespace DomainAssistant.Feedback.Recording;

/// <summary>What <see cref="IFeedbackStore.RecordAsync"/> did with a feedback.</summary>
public enum FeedbackRecording
{
    /// <summary>Stored now, pending publication.</summary>
    Recorded,

    /// <summary>The same feedback id with the same content was stored before; nothing changed.</summary>
    AlreadyRecorded,
}
