namespace DomainAssistant.Contracts;

/// <summary>
/// A user's thumbs up or down on one assistant message, with the full lineage of that message: what was asked,
/// which chunks were retrieved, what was answered, and by which model, adapter (and its checksum) and flag variant.
/// Published once the feedback is stored locally; consumers file it idempotently by <see cref="FeedbackId"/>.
/// </summary>
/// <param name="FeedbackId">Names this feedback: a retry carries the same id, a new vote a new one.</param>
/// <param name="MessageId">The assistant message rated.</param>
/// <param name="Rating">One of <see cref="FeedbackRating.Up"/> or <see cref="FeedbackRating.Down"/>.</param>
/// <param name="Reason">What the user wrote, if anything.</param>
/// <param name="Tags">Reasons picked from a list (e.g. "wrong", "no-citation"); empty when none.</param>
/// <param name="Prompt">The prompt the model saw (retrieved context and chat template included).</param>
/// <param name="RetrievedChunkIds">The retrieval chunks placed in the prompt, in rank order; empty when none.</param>
/// <param name="Response">The answer the user rated.</param>
/// <param name="Model">The base model that answered.</param>
/// <param name="Adapter">The LoRA adapter that served the message; null for the base model.</param>
/// <param name="AdapterChecksum">The served adapter's checksum (required when <paramref name="Adapter"/> is set).</param>
/// <param name="Variant">The feature-flag variant that chose the adapter; null outside experiments.</param>
/// <param name="Domain">The domain (corpus) the conversation belongs to.</param>
/// <param name="At">When the user gave the feedback.</param>
/// <remarks>
/// <see cref="User"/> and <see cref="CitedChunkIds"/> came later than the positional fields. They are init
/// properties with defaults, not constructor parameters, so a message stored in an outbox or in flight on the bus
/// before they existed still deserializes (as a vote of an unknown user, citing nothing).
/// </remarks>
public sealed record FeedbackSubmitted(Guid FeedbackId, Guid MessageId, string Rating, string? Reason, IReadOnlyList<string> Tags, string Prompt, IReadOnlyList<string> RetrievedChunkIds, string Response, string Model, string? Adapter, string? AdapterChecksum, string? Variant, string Domain, DateTimeOffset At)
{
    readonly IReadOnlyList<string> _citedChunkIds = [];

    /// <summary>
    /// Who rated: the id the host assigns experiment variants by (the API key's user, else the caller's
    /// <c>X-User-Id</c>); null when the caller sent none, or the feedback predates the field.
    /// </summary>
    public string? User { get; init; }

    /// <summary>
    /// The chunk ids of the citations shown with the answer, in marker order ([1] first); empty when the answer cited
    /// nothing or the feedback predates the field. A subset of <see cref="RetrievedChunkIds"/> in a well-formed answer.
    /// </summary>
    public IReadOnlyList<string> CitedChunkIds
    {
        get => _citedChunkIds;
        // An explicit JSON null from an older or foreign producer reads as "none", like an absent field.
        init => _citedChunkIds = value ?? [];
    }
}
