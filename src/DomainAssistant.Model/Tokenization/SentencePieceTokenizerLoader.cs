using Microsoft.ML.Tokenizers;

namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// Builds a <see cref="ModelTokenizer"/> on the library's SentencePieceTokenizer, from a llama2.c tokenizer.bin
/// (converted in memory) or from a Hugging Face tokenizer.model with its optional tokenizer_config.json.
/// </summary>
internal static class SentencePieceTokenizerLoader
{
    /// <summary>llama2.c reads prompt text literally, so "&lt;s&gt;" in text stays characters here too.</summary>
    public static ModelTokenizer FromLlama2c(string path)
    {
        var model = Llama2cTokenizerConverter.Read(path);
        return Build(model, model.ToBytes(), path, new TokenizerConfig(), parseSpecialTokens: false);
    }

    /// <summary>Control pieces and added tokens written in text become their ids, as Hugging Face's Llama tokenizer does.</summary>
    public static ModelTokenizer FromModelFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var model = SentencePieceModel.Parse(bytes, path);
        model.EnsureUsable(path);
        var config = TokenizerConfig.ReadFrom(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return Build(model, bytes, path, config, parseSpecialTokens: true);
    }

    static ModelTokenizer Build(SentencePieceModel model, byte[] bytes, string path, TokenizerConfig config, bool parseSpecialTokens)
    {
        var specialTokens = SpecialTokens(model, config);
        var nonTextIds = new HashSet<int>(specialTokens.Values);
        for (var id = 0; id < model.Pieces.Count; id++)
            if (model.Pieces[id].Type != SentencePieceType.Normal && model.Pieces[id].Type != SentencePieceType.UserDefined)
                nonTextIds.Add(id);

        var vocabSize = Math.Max(model.Pieces.Count, specialTokens.Values.DefaultIfEmpty(-1).Max() + 1);
        var bosId = Resolve(config.BosToken, model.BosId, model, specialTokens);
        var eosId = Resolve(config.EosToken, model.EosId, model, specialTokens);
        return new ModelTokenizer(new TokenizerParts
        {
            Inner = CreateLibraryTokenizer(bytes, path, parseSpecialTokens ? specialTokens : null),
            SourcePath = path,
            VocabSize = vocabSize,
            BosId = bosId,
            EosId = eosId,
            // Hugging Face's Llama tokenizer and llama2.c both start sequences with BOS unless told otherwise.
            AddsBos = config.AddBosToken ?? true,
            SpecialTokens = specialTokens,
            NonTextIds = nonTextIds,
            ByteFallbackIds = Enumerable.Range(0, model.Pieces.Count).Where(id => model.Pieces[id].Type == SentencePieceType.Byte).ToHashSet(),
            Bytes = TokenBytes.ByteFallback(FirstByteId(model), vocabSize),
            CleansUpTokenizationSpaces = config.CleanUpTokenizationSpaces,
            ChatTemplate = ChatTemplateSelector.FromConfig(config, TokenizerJsonLoader.ConfigPath(path), specialTokens, bosId, eosId),
        });
    }

    /// <summary>The id of &lt;0x00&gt; when the byte pieces are &lt;0x00&gt;..&lt;0xFF&gt; at consecutive ids; null otherwise (no byte fallback).</summary>
    static int? FirstByteId(SentencePieceModel model)
    {
        var first = model.Pieces.ToList().FindIndex(p => p.Type == SentencePieceType.Byte);
        if (first < 0 || first + 256 > model.Pieces.Count) return null;
        for (var b = 0; b < 256; b++)
        {
            var piece = model.Pieces[first + b];
            if (piece.Type != SentencePieceType.Byte || piece.Piece != $"<0x{b:X2}>") return null;
        }
        return first;
    }

    static Dictionary<string, int> SpecialTokens(SentencePieceModel model, TokenizerConfig config)
    {
        var tokens = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < model.Pieces.Count; id++)
            if (model.Pieces[id].Type is SentencePieceType.Control or SentencePieceType.Unknown)
                tokens[model.Pieces[id].Piece] = id;
        // Added tokens are all treated as special (matched whole, left out of decoded text); the library maps
        // each id back to one text, so a second name for a taken id is ignored.
        foreach (var added in config.AddedTokens)
            if (!tokens.ContainsValue(added.Id)) tokens.TryAdd(added.Content, added.Id);
        return tokens;
    }

    static int? Resolve(string? name, int protoId, SentencePieceModel model, Dictionary<string, int> specialTokens)
    {
        if (name is not null && specialTokens.TryGetValue(name, out var special)) return special;
        if (name is not null)
        {
            var index = model.Pieces.ToList().FindIndex(p => p.Piece == name);
            if (index >= 0) return index;
        }
        return protoId >= 0 && protoId < model.Pieces.Count ? protoId : null;
    }

    static SentencePieceTokenizer CreateLibraryTokenizer(byte[] bytes, string path, IReadOnlyDictionary<string, int>? specialTokens)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false, specialTokens);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: Microsoft.ML.Tokenizers cannot load this SentencePiece model: {ex.Message}", ex);
        }
    }
}
