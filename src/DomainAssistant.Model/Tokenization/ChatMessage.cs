namespace DomainAssistant.Model.Tokenization;

/// <summary>One turn of a conversation; roles are "system", "user" and "assistant" (ChatML also takes others, e.g. "tool").</summary>
public sealed record ChatMessage
{
    public ChatMessage(string role, string content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        ArgumentNullException.ThrowIfNull(content);
        Role = role;
        Content = content;
    }

    public string Role { get; }
    public string Content { get; }

    public static ChatMessage System(string content) => new(ChatRoles.System, content);
    public static ChatMessage User(string content) => new(ChatRoles.User, content);
    public static ChatMessage Assistant(string content) => new(ChatRoles.Assistant, content);
}

/// <summary>The role names every template understands.</summary>
public static class ChatRoles
{
    public const string System = "system";
    public const string User = "user";
    public const string Assistant = "assistant";
}
