using System.Text;

namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// For vocabularies without chat tokens (stories260K, base models): readable "Role: content" paragraphs,
/// <c>User: hi\n\nAssistant: hello\n\nUser: more\n\nAssistant:</c>. The role is capitalised; the generation prompt is
/// "Assistant:" with no trailing space, because SentencePiece words carry their own leading space. A reply ends at
/// EOS or when the model starts a new user turn ("\nUser:").
/// </summary>
public sealed class PlainChatTemplate(IEnumerable<int> stopTokenIds) : ChatTemplate(stopTokenIds)
{
    public const string Separator = "\n\n";

    public override string Name => "plain";
    public override bool RendersBos => false;
    public override IReadOnlyList<string> StopStrings { get; } = ["\nUser:"];

    public override string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var paragraphs = messages.Select(m => $"{Capitalise(m.Role)}: {m.Content}").ToList();
        if (addGenerationPrompt) paragraphs.Add($"{Capitalise(ChatRoles.Assistant)}:");
        return string.Join(Separator, paragraphs);
    }

    static string Capitalise(string role) => string.Concat(char.ToUpperInvariant(role[0]).ToString(), role.AsSpan(1));
}
