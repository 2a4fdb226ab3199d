namespace DomainAssistant.Storage.Conversations;

/// <summary>A conversation: one domain, one user, many messages.</summary>
public sealed record Conversation(Guid Id, string Domain, string? UserId, DateTimeOffset CreatedAt);

/// <summary>One turn as the conversation shows it.</summary>
/// <param name="Id">The message id (feedback names assistant messages by it).</param>
/// <param name="Role">"user" or "assistant".</param>
/// <param name="Content">What was said.</param>
/// <param name="CreatedAt">When it was stored.</param>
public sealed record ConversationMessage(Guid Id, string Role, string Content, DateTimeOffset CreatedAt);

/// <summary>A cited source of an answer: marker [n] and the chunk it points to.</summary>
public sealed record CitationRecord(int N, string ChunkId, string Source, string Title);

/// <summary>
/// An assistant answer with everything the feedback loop needs to learn from it: the prompt exactly as the model
/// saw it, the retrieved chunks in it, the answer, and which model, adapter (with checksum) and flag variant served it.
/// </summary>
public sealed record AssistantMessage
{
    public required Guid Id { get; init; }
    public required Guid ConversationId { get; init; }
    public required string Domain { get; init; }
    public required string Content { get; init; }

    /// <summary>The prompt as fed: system prompt, numbered context and history rendered by the chat template.</summary>
    public required string Prompt { get; init; }

    /// <summary>The chunks placed in the prompt, numbered from 1 in this order.</summary>
    public required IReadOnlyList<string> RetrievedChunkIds { get; init; }

    public required IReadOnlyList<CitationRecord> Citations { get; init; }
    public required string Model { get; init; }
    public string? Adapter { get; init; }
    public string? AdapterChecksum { get; init; }
    public string? Variant { get; init; }

    /// <summary>"stop" or "length".</summary>
    public required string FinishReason { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
