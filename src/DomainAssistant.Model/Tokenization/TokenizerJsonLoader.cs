using System.Globalization;
using DomainAssistant.Model.Tokenization.HuggingFace;

namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// Builds a <see cref="ModelTokenizer"/> from a Hugging Face tokenizer.json (run by <see cref="HuggingFaceTokenizer"/>)
/// and the tokenizer_config.json beside it (BOS/EOS names, the chat template).
/// </summary>
internal static class TokenizerJsonLoader
{
    // When tokenizer_config.json names no EOS, the first of these the vocabulary has is taken.
    static readonly string[] KnownEosNames = ["<|endoftext|>", "<|end_of_text|>", "</s>", "<eos>"];

    // transformers rebuilds the post-processor of these classes from add_bos_token/add_eos_token when it loads them
    // (LlamaTokenizerFast.update_post_processor), so for them the config, not tokenizer.json, says what is added.
    static readonly HashSet<string> ClassesThatRebuildTheTemplate =
        ["LlamaTokenizer", "LlamaTokenizerFast", "CodeLlamaTokenizer", "CodeLlamaTokenizerFast", "GemmaTokenizer", "GemmaTokenizerFast"];

    public static ModelTokenizer Load(string path)
    {
        var tokenizer = HuggingFaceTokenizer.Read(path);
        var config = TokenizerConfig.ReadFrom(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var added = tokenizer.AddedTokens.Tokens;
        var addedByText = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in added) addedByText[token.Content] = token.Id;
        int? IdOf(string? name) =>
            name is null ? null
            : addedByText.TryGetValue(name, out var id) ? id
            : tokenizer.Model.Vocab.TryGetValue(name, out id) ? id
            : null;

        var bosId = IdOf(config.BosToken) ?? tokenizer.PostProcessor.Before.Cast<int?>().FirstOrDefault();
        var eosId = IdOf(config.EosToken) ?? KnownEosNames.Select(IdOf).FirstOrDefault(id => id is not null);
        if (config.TokenizerClass is { } tokenizerClass && ClassesThatRebuildTheTemplate.Contains(tokenizerClass)
            && (config.AddBosToken is not null || config.AddEosToken is not null))
            tokenizer.UseSpecialTokens(
                config.AddBosToken == true ? bosId ?? throw Missing(path, "bos_token") : null,
                config.AddEosToken == true ? eosId ?? throw Missing(path, "eos_token") : null);

        var vocabSize = Math.Max(tokenizer.Model.Vocab.Values.Max(), added.Select(t => t.Id).DefaultIfEmpty(-1).Max()) + 1;
        var byteFallbackIds = ByteFallbackIds(tokenizer);
        return new ModelTokenizer(new TokenizerParts
        {
            Inner = tokenizer,
            SourcePath = path,
            VocabSize = vocabSize,
            BosId = bosId,
            EosId = eosId,
            AddsBos = bosId is int bos && tokenizer.PostProcessor.Before.Contains(bos),
            SpecialTokens = addedByText,
            NonTextIds = added.Where(t => t.Special).Select(t => t.Id).Concat(byteFallbackIds ?? []).ToHashSet(),
            ByteFallbackIds = byteFallbackIds?.ToHashSet() ?? [],
            Bytes = tokenizer.DecodesByteLevel
                ? TokenBytes.ByteLevel(tokenizer.Model.Vocab, added.Select(t => (t.Id, t.Special)), vocabSize)
                : TokenBytes.ByteFallback(byteFallbackIds?[0], vocabSize),
            CleansUpTokenizationSpaces = config.CleanUpTokenizationSpaces,
            ChatTemplate = ChatTemplateSelector.FromConfig(config, ConfigPath(path), addedByText, bosId, eosId),
        });
    }

    /// <summary>The tokenizer_config.json beside a tokenizer file.</summary>
    internal static string ConfigPath(string tokenizerPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(tokenizerPath))!, TokenizerConfig.FileName);

    static InvalidDataException Missing(string path, string what) =>
        new($"{path}: tokenizer_config.json asks for its {what} to be added but names none the vocabulary has.");

    // <0x00>..<0xFF> at consecutive ids, as SentencePiece lays them out; null when the model has no byte fallback.
    static int[]? ByteFallbackIds(HuggingFaceTokenizer tokenizer)
    {
        if (!tokenizer.Model.ByteFallback || !tokenizer.Model.Vocab.TryGetValue("<0x00>", out var first)) return null;
        var ids = new int[256];
        for (var value = 0; value < 256; value++)
        {
            if (!tokenizer.Model.Vocab.TryGetValue(string.Create(CultureInfo.InvariantCulture, $"<0x{value:X2}>"), out ids[value]) || ids[value] != first + value) return null;
        }
        return ids;
    }
}
