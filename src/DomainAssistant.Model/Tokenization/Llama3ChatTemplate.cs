using System.Text;

namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// Llama-3 instruct: <c>&lt;|begin_of_text|&gt;</c>, then per message
/// <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\ncontent&lt;|eot_id|&gt;</c> with the content trimmed, as Meta's
/// template does; the generation prompt is the assistant header. It writes BOS itself.
/// </summary>
public sealed class Llama3ChatTemplate(IEnumerable<int> stopTokenIds) : ChatTemplate(stopTokenIds)
{
    public const string BeginOfText = "<|begin_of_text|>";
    public const string HeaderStart = "<|start_header_id|>";
    public const string HeaderEnd = "<|end_header_id|>";
    public const string EndOfTurn = "<|eot_id|>";

    public override string Name => "llama3";
    public override bool RendersBos => true;
    public override IReadOnlyList<string> StopStrings { get; } = [EndOfTurn];

    public override string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new StringBuilder(BeginOfText);
        foreach (var message in messages)
            AppendHeader(text, message.Role).Append(message.Content.Trim()).Append(EndOfTurn);
        if (addGenerationPrompt) AppendHeader(text, ChatRoles.Assistant);
        return text.ToString();
    }

    static StringBuilder AppendHeader(StringBuilder text, string role) =>
        text.Append(HeaderStart).Append(role).Append(HeaderEnd).Append("\n\n");
}
