using System.Text;

namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// ChatML (Qwen2, SmolLM2, many fine-tunes): <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c> per message, and
/// <c>&lt;|im_start|&gt;assistant\n</c> to prompt a reply. No default system message is added.
/// </summary>
public sealed class ChatMlTemplate(IEnumerable<int> stopTokenIds) : ChatTemplate(stopTokenIds)
{
    public const string TurnStart = "<|im_start|>";
    public const string TurnEnd = "<|im_end|>";

    public override string Name => "chatml";
    public override bool RendersBos => false;
    public override IReadOnlyList<string> StopStrings { get; } = [TurnEnd];

    public override string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new StringBuilder();
        foreach (var message in messages)
            text.Append(TurnStart).Append(message.Role).Append('\n').Append(message.Content).Append(TurnEnd).Append('\n');
        if (addGenerationPrompt) text.Append(TurnStart).Append(ChatRoles.Assistant).Append('\n');
        return text.ToString();
    }
}
