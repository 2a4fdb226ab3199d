namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// Picks the <see cref="ChatTemplate"/> for a tokenizer: the checkpoint's own chat_template, rendered
/// (<see cref="JinjaChatTemplate"/>); without one, a hand-written layout for the special tokens the vocabulary has
/// (ChatML, Llama-3), otherwise plain.
/// </summary>
public static class ChatTemplateSelector
{
    /// <param name="chatTemplate">The checkpoint's chat_template text (chat_template.jinja, or tokenizer_config.json's), if any.</param>
    /// <param name="specialTokens">The tokenizer's special and added tokens by text.</param>
    /// <param name="bosId">The tokenizer's BOS id, whose text the template gets as bos_token.</param>
    /// <param name="eosId">The tokenizer's EOS id; every template stops on it.</param>
    /// <param name="tokenTexts">Special token texts by role (bos_token, eos_token, unk_token, pad_token) from tokenizer_config.json; BOS and EOS default to the texts of their ids.</param>
    /// <param name="sourcePath">The file <paramref name="chatTemplate"/> was read from, which the rendered template keeps.</param>
    /// <exception cref="Jinja.JinjaException">The chat_template uses a construct outside the supported subset.</exception>
    public static ChatTemplate Select(string? chatTemplate, IReadOnlyDictionary<string, int> specialTokens, int? bosId, int? eosId,
        IReadOnlyDictionary<string, string>? tokenTexts = null, string? sourcePath = null)
    {
        ArgumentNullException.ThrowIfNull(specialTokens);
        string? TextOf(int? id) => id is null ? null : specialTokens.FirstOrDefault(kv => kv.Value == id).Key;
        if (chatTemplate is not null)
        {
            var texts = new Dictionary<string, string>(tokenTexts ?? new Dictionary<string, string>());
            if (!texts.ContainsKey("bos_token") && TextOf(bosId) is { } bos) texts["bos_token"] = bos;
            if (!texts.ContainsKey("eos_token") && TextOf(eosId) is { } eos) texts["eos_token"] = eos;
            return new JinjaChatTemplate(chatTemplate, texts, specialTokens, eosId) { SourcePath = sourcePath };
        }

        IEnumerable<int> Stops(params string[] names) =>
            names.Select(n => specialTokens.TryGetValue(n, out var id) ? id : (int?)null)
                 .Append(eosId)
                 .OfType<int>();
        bool Has(params string[] names) => names.All(specialTokens.ContainsKey);
        if (Has(ChatMlTemplate.TurnStart, ChatMlTemplate.TurnEnd)) return new ChatMlTemplate(Stops(ChatMlTemplate.TurnEnd));
        if (Has(Llama3ChatTemplate.HeaderStart, Llama3ChatTemplate.HeaderEnd, Llama3ChatTemplate.EndOfTurn))
            return new Llama3ChatTemplate(Stops(Llama3ChatTemplate.EndOfTurn, "<|eom_id|>", "<|end_of_text|>"));
        return new PlainChatTemplate(Stops());
    }

    /// <summary>
    /// <see cref="Select"/> for a tokenizer folder's config; a chat_template outside the supported subset is refused
    /// as an <see cref="InvalidDataException"/> naming the file it came from (chat_template.jinja, or
    /// <paramref name="configPath"/>) and the construct.
    /// </summary>
    internal static ChatTemplate FromConfig(TokenizerConfig config, string configPath, IReadOnlyDictionary<string, int> specialTokens, int? bosId, int? eosId)
    {
        try
        {
            return Select(config.ChatTemplate, specialTokens, bosId, eosId, config.TokenTexts, config.ChatTemplatePath);
        }
        catch (Jinja.JinjaException ex)
        {
            throw new InvalidDataException($"{config.ChatTemplatePath ?? configPath}: chat_template: {ex.Message}", ex);
        }
    }

    /// <summary>The family a template's markers show ("chatml", "llama3", "llama2"), or null; a name for logs only.</summary>
    public static string? FamilyOf(string chatTemplate)
    {
        ArgumentNullException.ThrowIfNull(chatTemplate);
        if (chatTemplate.Contains(ChatMlTemplate.TurnStart, StringComparison.Ordinal)) return "chatml";
        if (chatTemplate.Contains(Llama3ChatTemplate.HeaderStart, StringComparison.Ordinal)) return "llama3";
        if (chatTemplate.Contains("[INST]", StringComparison.Ordinal)) return "llama2";
        if (chatTemplate.Contains("<start_of_turn>", StringComparison.Ordinal)) return "gemma";
        return null;
    }
}
