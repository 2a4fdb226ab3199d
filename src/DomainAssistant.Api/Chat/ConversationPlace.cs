using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Http;
using DomainAssistant.Grounding;
using ModelChatMessage = DomainAssistant.Model.Tokenization.ChatMessage;
using DomainAssistant.Storage.Conversations;

namespace DomainAssistant.Api.Chat;

/// <summary>Where a chat request's answer goes: its domain, its conversation (new or continued) and the history so far.</summary>
public sealed record ConversationPlace(DomainProfile Domain, Conversation Conversation, IReadOnlyList<ModelChatMessage> History)
{
    /// <summary>Earlier messages offered to the prompt composer (it keeps what fits).</summary>
    const int HistoryMessages = 8;

    /// <summary>Continues <paramref name="conversationId"/>, or starts a conversation in <paramref name="domain"/> (the default when null).</summary>
    /// <returns>The place, or a problem result (unknown conversation or domain, or a domain that contradicts the conversation).</returns>
    public static async Task<(ConversationPlace? Place, IResult? Problem)> ResolveAsync(Guid? conversationId, string? domain, string? userId,
        DomainCatalog domains, IConversationStore conversations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domains);
        ArgumentNullException.ThrowIfNull(conversations);
        Conversation? conversation = null;
        IReadOnlyList<ModelChatMessage> history = [];
        if (conversationId is { } id)
        {
            conversation = await conversations.FindAsync(id, cancellationToken);
            if (conversation is null) return (null, Problems.NotFound($"No conversation has id {id}."));
            if (domain is not null && domain != conversation.Domain)
                return (null, Problems.Invalid("domain", $"conversation {id} belongs to domain \"{conversation.Domain}\", not \"{domain}\"."));
            var messages = await conversations.ReadMessagesAsync(id, cancellationToken);
            history = [.. messages.TakeLast(HistoryMessages).Select(m => new ModelChatMessage(m.Role, m.Content))];
        }
        var profile = domains.Find(domain ?? conversation?.Domain);
        if (profile is null)
            return (null, Problems.NotFound(domain is null ? "No domain is configured." : $"No domain is named \"{domain}\"."));
        conversation ??= await conversations.StartAsync(profile.Name, userId, cancellationToken);
        return (new ConversationPlace(profile, conversation, history), null);
    }
}
