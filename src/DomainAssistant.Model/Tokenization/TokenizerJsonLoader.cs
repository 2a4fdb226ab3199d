using Microsoft.ML.Tokenizers;

namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// Builds a <see cref="ModelTokenizer"/> on the library's byte-level BpeTokenizer from a Hugging Face tokenizer.json
/// and the tokenizer_config.json beside it.
/// </summary>
/// <remarks>
/// Not honoured: model.ignore_merges (Llama-3 looks a whole pre-token up in the vocabulary before merging; the
/// library always merges, which differs only for a word in the vocabulary that its merges do not reach), the NFC
/// normaliser (see <see cref="ByteLevelBpeSpec"/>) and added tokens' lstrip/rstrip/single_word flags.
/// </remarks>
internal static class TokenizerJsonLoader
{
    // When tokenizer_config.json names no EOS, the first of these the vocabulary has is taken.
    static readonly string[] KnownEosNames = ["<|endoftext|>", "<|end_of_text|>", "</s>", "<eos>"];

    public static ModelTokenizer Load(string path)
    {
        var spec = ByteLevelBpeSpec.Read(path);
        var config = TokenizerConfig.ReadFrom(Path.GetDirectoryName(Path.GetFullPath(path))!);

        var addedTokens = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in spec.AddedTokens) addedTokens[token.Content] = token.Id;
        int? IdOf(string? name) =>
            name is null ? null
            : addedTokens.TryGetValue(name, out var added) ? added
            : spec.Vocab.TryGetValue(name, out var id) ? id
            : null;

        var bosId = IdOf(config.BosToken ?? spec.PostProcessorBos);
        var eosId = IdOf(config.EosToken) ?? KnownEosNames.Select(IdOf).FirstOrDefault(id => id is not null);
        var vocabSize = Math.Max(spec.Vocab.Values.Max(), spec.AddedTokens.Select(t => t.Id).DefaultIfEmpty(-1).Max()) + 1;
        return new ModelTokenizer(new TokenizerParts
        {
            Inner = CreateLibraryTokenizer(spec, addedTokens, path),
            SourcePath = path,
            VocabSize = vocabSize,
            BosId = bosId,
            EosId = eosId,
            // Without add_bos_token, BOS is added when the post-processor puts one first (Llama-3), not otherwise (Qwen2, GPT-2).
            AddsBos = config.AddBosToken ?? spec.PostProcessorBos is not null,
            SpecialTokens = addedTokens,
            NonTextIds = spec.AddedTokens.Where(t => t.Special).Select(t => t.Id).ToHashSet(),
            TextAddedTokens = spec.AddedTokens.Where(t => !t.Special).ToDictionary(t => t.Id, t => t.Content),
            Bytes = spec.ContinuingSubwordPrefix is null && spec.EndOfWordSuffix is null
                ? TokenBytes.ByteLevel(spec.Vocab, spec.AddedTokens.Select(t => (t.Id, t.Special)), vocabSize)
                : TokenBytes.None,
            ChatTemplate = ChatTemplateSelector.Select(config.ChatTemplate, addedTokens, bosId, eosId),
        });
    }

    static BpeTokenizer CreateLibraryTokenizer(ByteLevelBpeSpec spec, Dictionary<string, int> addedTokens, string path)
    {
        // Added tokens go to the library as special tokens so that they are matched whole, never merged into.
        var specialTokens = addedTokens.Count > 0 ? addedTokens : null;
        try
        {
            return BpeTokenizer.Create(new BpeOptions(spec.Vocab)
            {
                Merges = spec.Merges,
                SpecialTokens = specialTokens,
                PreTokenizer = new SplitPreTokenizer(spec.Splits, addedTokens.Keys),
                ByteLevel = true,
                UnknownToken = spec.UnknownToken,
                ContinuingSubwordPrefix = spec.ContinuingSubwordPrefix,
                EndOfWordSuffix = spec.EndOfWordSuffix,
                FuseUnknownTokens = spec.FuseUnknownTokens,
            });
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: Microsoft.ML.Tokenizers cannot build this BPE tokenizer: {ex.Message}", ex);
        }
    }
}
