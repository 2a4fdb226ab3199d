using System.Text;

namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// Llama-2 chat, as Hugging Face's template renders it:
/// <c>&lt;s&gt;[INST] &lt;&lt;SYS&gt;&gt;\nsystem\n&lt;&lt;/SYS&gt;&gt;\n\nuser [/INST] assistant &lt;/s&gt;&lt;s&gt;[INST] user [/INST]</c>.
/// An optional system message comes first; user and assistant must then alternate, starting with the user. The
/// model's reply follows "[/INST]" directly, so the generation prompt adds nothing. It writes BOS itself.
/// </summary>
public sealed class Llama2ChatTemplate(string bosText, string eosText, IEnumerable<int> stopTokenIds) : ChatTemplate(stopTokenIds)
{
    public override string Name => "llama2";
    public override bool RendersBos => true;
    public override IReadOnlyList<string> StopStrings { get; } = [eosText];

    public override string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var system = messages.Count > 0 && messages[0].Role == ChatRoles.System ? messages[0].Content : null;
        var turns = messages.Skip(system is null ? 0 : 1).ToList();
        if (system is not null && turns.Count == 0) turns.Add(ChatMessage.User(""));

        var text = new StringBuilder();
        for (var i = 0; i < turns.Count; i++)
        {
            var expected = i % 2 == 0 ? ChatRoles.User : ChatRoles.Assistant;
            if (turns[i].Role != expected)
                throw new ArgumentException($"Llama-2 chat needs an optional system message, then user and assistant turns alternating from the user; message {i + (system is null ? 0 : 1)} is '{turns[i].Role}'.", nameof(messages));
            var content = i == 0 && system is not null
                ? $"<<SYS>>\n{system}\n<</SYS>>\n\n{turns[i].Content}"
                : turns[i].Content;
            if (expected == ChatRoles.User) text.Append(bosText).Append("[INST] ").Append(content.Trim()).Append(" [/INST]");
            else text.Append(' ').Append(content.Trim()).Append(' ').Append(eosText);
        }
        return text.ToString();
    }
}
