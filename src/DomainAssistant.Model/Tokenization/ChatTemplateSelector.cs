namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// Picks the <see cref="ChatTemplate"/> for a tokenizer: from markers in tokenizer_config.json's chat_template
/// (the jinja is only searched, never run), otherwise from the special tokens the vocabulary has, otherwise plain.
/// </summary>
public static class ChatTemplateSelector
{
    /// <param name="chatTemplate">tokenizer_config.json's chat_template text, if any.</param>
    /// <param name="specialTokens">The tokenizer's special and added tokens by text.</param>
    /// <param name="bosId">The tokenizer's BOS id, whose text Llama-2 templates write.</param>
    /// <param name="eosId">The tokenizer's EOS id; every template stops on it.</param>
    public static ChatTemplate Select(string? chatTemplate, IReadOnlyDictionary<string, int> specialTokens, int? bosId, int? eosId)
    {
        ArgumentNullException.ThrowIfNull(specialTokens);
        var family = FromMarkers(chatTemplate) ?? FromSpecialTokens(specialTokens);
        IEnumerable<int> Stops(params string[] names) =>
            names.Select(n => specialTokens.TryGetValue(n, out var id) ? id : (int?)null)
                 .Append(eosId)
                 .OfType<int>();
        string TextOf(int? id, string fallback) =>
            specialTokens.FirstOrDefault(kv => kv.Value == id && id is not null).Key ?? fallback;

        return family switch
        {
            Family.ChatMl => new ChatMlTemplate(Stops(ChatMlTemplate.TurnEnd)),
            Family.Llama3 => new Llama3ChatTemplate(Stops(Llama3ChatTemplate.EndOfTurn, "<|eom_id|>", "<|end_of_text|>")),
            Family.Llama2 => new Llama2ChatTemplate(TextOf(bosId, "<s>"), TextOf(eosId, "</s>"), Stops()),
            _ => new PlainChatTemplate(Stops()),
        };
    }

    enum Family { ChatMl, Llama3, Llama2, Plain }

    static Family? FromMarkers(string? chatTemplate) => chatTemplate switch
    {
        null => null,
        _ when chatTemplate.Contains(ChatMlTemplate.TurnStart, StringComparison.Ordinal) => Family.ChatMl,
        _ when chatTemplate.Contains(Llama3ChatTemplate.HeaderStart, StringComparison.Ordinal) => Family.Llama3,
        _ when chatTemplate.Contains("[INST]", StringComparison.Ordinal) => Family.Llama2,
        _ => null,
    };

    static Family FromSpecialTokens(IReadOnlyDictionary<string, int> specialTokens)
    {
        bool Has(params string[] names) => names.All(specialTokens.ContainsKey);
        if (Has(ChatMlTemplate.TurnStart, ChatMlTemplate.TurnEnd)) return Family.ChatMl;
        if (Has(Llama3ChatTemplate.HeaderStart, Llama3ChatTemplate.HeaderEnd, Llama3ChatTemplate.EndOfTurn)) return Family.Llama3;
        return Family.Plain;
    }
}
