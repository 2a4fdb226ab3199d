namespace DomainAssistant.Storage.Conversations;

/// <summary>Conversations and their messages, with each answer's lineage.</summary>
public interface IConversationStore
{
    /// <summary>Starts a conversation in <paramref name="domain"/> for <paramref name="userId"/>.</summary>
    Task<Conversation> StartAsync(string domain, string? userId, CancellationToken cancellationToken = default);

    /// <summary>The conversation, or null when the id is unknown.</summary>
    Task<Conversation?> FindAsync(Guid conversationId, CancellationToken cancellationToken = default);

    /// <summary>The conversation's messages, oldest first.</summary>
    Task<IReadOnlyList<ConversationMessage>> ReadMessagesAsync(Guid conversationId, CancellationToken cancellationToken = default);

    /// <summary>Stores what the user asked; returns the message id.</summary>
    Task<Guid> AddUserMessageAsync(Guid conversationId, string content, CancellationToken cancellationToken = default);

    /// <summary>Stores an answer with its lineage.</summary>
    Task AddAssistantMessageAsync(AssistantMessage message, CancellationToken cancellationToken = default);

    /// <summary>The answer with its lineage, or null when no assistant message has this id.</summary>
    Task<AssistantMessage?> FindAssistantMessageAsync(Guid messageId, CancellationToken cancellationToken = default);
}
