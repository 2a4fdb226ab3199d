using DomainAssistant.Model.Tokenization.Jinja;

namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// The checkpoint's own chat_template (tokenizer_config.json) rendered as transformers' apply_chat_template renders
/// it: messages as {role, content} mappings, add_generation_prompt, the special tokens by role (bos_token,
/// eos_token, unk_token, pad_token), and tools and documents as none.
/// </summary>
public sealed class JinjaChatTemplate : ChatTemplate
{
    // Tokens that end a turn in the templates of the common families; those a template writes become its stop strings.
    static readonly string[] TurnEnds = ["<|im_end|>", "<|eot_id|>", "<|eom_id|>", "<end_of_turn>", "<|end|>", "<|end_of_text|>", "<|endoftext|>"];

    readonly JinjaTemplate _template;
    readonly IReadOnlyDictionary<string, object?> _specialTokens;

    /// <param name="source">The chat_template text.</param>
    /// <param name="specialTokens">Special token texts by role name (bos_token, eos_token, ...); a missing one is left undefined.</param>
    /// <param name="vocabulary">The tokenizer's added and special tokens by text, for the stop ids.</param>
    /// <param name="eosId">The tokenizer's EOS id; generation always stops on it.</param>
    /// <exception cref="JinjaException">The template uses a construct outside the supported subset.</exception>
    public JinjaChatTemplate(string source, IReadOnlyDictionary<string, string> specialTokens, IReadOnlyDictionary<string, int> vocabulary, int? eosId)
        : base(StopIds(source, vocabulary, eosId))
    {
        ArgumentNullException.ThrowIfNull(specialTokens);
        _template = JinjaTemplate.Parse(source);
        _specialTokens = specialTokens.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
        Source = source;
        StopStrings = [.. TurnEnds.Where(end => source.Contains(end, StringComparison.Ordinal))];
        Name = ChatTemplateSelector.FamilyOf(source) ?? "jinja";
        AcceptsSystemRole = Accepts([ChatMessage.System("s"), ChatMessage.User("u")]);
    }

    /// <summary>Tried once at load: whether the template renders a system message followed by a user message.</summary>
    public override bool AcceptsSystemRole { get; }

    /// <summary>The family the template's markers show (chatml, llama3, llama2), or "jinja"; for logs and tests only.</summary>
    public override string Name { get; }

    /// <summary>The template text as the checkpoint gives it.</summary>
    public string Source { get; }

    /// <summary>The file the template was read from (chat_template.jinja or tokenizer_config.json); null when it was given as text.</summary>
    public string? SourcePath { get; init; }

    /// <summary>
    /// Always true: transformers encodes a rendered conversation without adding special tokens, since a template
    /// that wants BOS writes bos_token itself.
    /// </summary>
    public override bool RendersBos => true;

    public override IReadOnlyList<string> StopStrings { get; }

    /// <exception cref="JinjaRaisedException">The template refuses this conversation (for example roles that do not alternate).</exception>
    public override string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var context = new Dictionary<string, object?>(_specialTokens)
        {
            ["messages"] = messages.Select(m => new OrderedDictionary<string, object?> { ["role"] = m.Role, ["content"] = m.Content }).ToList(),
            ["add_generation_prompt"] = addGenerationPrompt,
            ["tools"] = null,
            ["documents"] = null,
        };
        return _template.Render(context);
    }

    bool Accepts(IReadOnlyList<ChatMessage> messages)
    {
        try
        {
            Render(messages, addGenerationPrompt: true);
            return true;
        }
        catch (JinjaRaisedException)
        {
            return false;
        }
    }

    static IEnumerable<int> StopIds(string source, IReadOnlyDictionary<string, int> vocabulary, int? eosId)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(vocabulary);
        foreach (var end in TurnEnds)
            if (source.Contains(end, StringComparison.Ordinal) && vocabulary.TryGetValue(end, out var id)) yield return id;
        if (eosId is int eos) yield return eos;
    }
}
