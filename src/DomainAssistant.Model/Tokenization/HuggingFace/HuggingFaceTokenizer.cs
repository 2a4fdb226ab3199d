using System.Buffers;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace DomainAssistant.Model.Tokenization.HuggingFace;

/// <summary>
/// A tokenizer.json run as Hugging Face's tokenizers library runs it: added tokens cut out of the raw text, the
/// normalizer on the stretches between them, added tokens matched in the normalised text, the pre-tokenizer, the
/// BPE model on each piece and, when special tokens are asked for, the post-processor. Decoding runs the decoder.
/// It is a Microsoft.ML.Tokenizers <see cref="Tokenizer"/>, so callers see the same type as for SentencePiece.
/// </summary>
internal sealed class HuggingFaceTokenizer : Tokenizer
{
    readonly NormalizerStep? _normalizer;
    readonly PreTokenizerStep? _preTokenizer;
    readonly DecoderStep? _decoder;
    readonly Dictionary<int, string> _tokenOfId;
    readonly HashSet<int> _specialIds;

    HuggingFaceTokenizer(JsonElement root)
    {
        Model = BpeModel.Read(TokenizerJson.Property(root, "model"));
        AddedTokens = AddedVocabulary.Read(root, Model.Vocab);
        _normalizer = root.TryGetProperty("normalizer", out var n) ? NormalizerStep.Read(n) : null;
        _preTokenizer = root.TryGetProperty("pre_tokenizer", out var p) ? PreTokenizerStep.Read(p) : null;
        PostProcessor = root.TryGetProperty("post_processor", out var post) ? PostProcessor.Read(post) : PostProcessor.None;
        _decoder = root.TryGetProperty("decoder", out var d) ? DecoderStep.Read(d) : null;
        if (root.TryGetProperty("truncation", out var truncation) && truncation.ValueKind != JsonValueKind.Null)
            throw new InvalidDataException("truncation is not supported: the caller decides what fits.");
        _tokenOfId = Model.Vocab.ToDictionary(kv => kv.Value, kv => kv.Key);
        foreach (var token in AddedTokens.Tokens) _tokenOfId[token.Id] = token.Content;
        _specialIds = [.. AddedTokens.Tokens.Where(t => t.Special).Select(t => t.Id)];
        string Part(string name) => root.TryGetProperty(name, out var part) ? TokenizerJson.Describe(part) : "none";
        var model = TokenizerJson.Property(root, "model");
        Pipeline =
            $"normalizer {Part("normalizer")}; pre-tokenizer {Part("pre_tokenizer")}; " +
            $"model BPE ({Model.Vocab.Count} tokens, {AddedTokens.Tokens.Count} added{(Model.ByteFallback ? ", byte fallback" : "")}" +
            $"{(TokenizerJson.Bool(model, "ignore_merges", false) ? ", ignore_merges" : "")}); " +
            $"post-processor {Part("post_processor")}; decoder {Part("decoder")}";
    }

    /// <summary>The components as one line (normalizer, pre-tokenizer, model, post-processor, decoder), for `da inspect`.</summary>
    public string Pipeline { get; private set; }

    public BpeModel Model { get; }

    public AddedVocabulary AddedTokens { get; }

    public PostProcessor PostProcessor { get; private set; }

    /// <summary>Replaces the post-processor by one that adds just these tokens (what transformers does for Llama and Gemma tokenizer classes).</summary>
    public void UseSpecialTokens(int? bos, int? eos)
    {
        PostProcessor = PostProcessor.Around(bos, eos);
        Pipeline += $" (replaced by tokenizer_config.json's add_bos_token/add_eos_token: {PostProcessor.Before.Count} before, {PostProcessor.After.Count} after)";
    }

    /// <summary>Whether decoding reads the tokens as GPT-2 byte stand-ins (a ByteLevel decoder).</summary>
    public bool DecodesByteLevel => _decoder?.Steps.Any(step => step is ByteLevelDecoder) ?? false;

    /// <summary>Reads and checks a tokenizer.json; any component it cannot run exactly is refused by name.</summary>
    public static HuggingFaceTokenizer Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException("the top level is not a JSON object.");
            return new HuggingFaceTokenizer(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a valid tokenizer.json: {ex.Message}", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>The ids of <paramref name="text"/>; with <paramref name="addSpecialTokens"/> the post-processor adds its tokens (BOS).</summary>
    public int[] Encode(string text, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        foreach (var (start, end, token) in AddedTokens.SplitRaw(text))
        {
            if (token is not null) { ids.Add(token.Id); continue; }
            var segment = text[start..end];
            var normalized = _normalizer?.Normalize(segment) ?? segment;
            foreach (var (s, e, normalizedToken) in AddedTokens.SplitNormalized(normalized))
            {
                if (normalizedToken is not null) { ids.Add(normalizedToken.Id); continue; }
                var piece = new Piece(normalized[s..e], AtStart: start == 0 && s == 0);
                var pieces = _preTokenizer?.Split(piece) ?? [piece];
                foreach (var word in pieces) ids.AddRange(Model.Encode(word.Text));
            }
        }
        return addSpecialTokens ? PostProcessor.Apply(ids) : [.. ids];
    }

    /// <summary>Text of <paramref name="ids"/>; special tokens are left out when <paramref name="skipSpecialTokens"/>, unknown ids always.</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (var id in ids)
            if (_tokenOfId.TryGetValue(id, out var token) && !(skipSpecialTokens && _specialIds.Contains(id))) tokens.Add(token);
        return _decoder?.Decode(tokens) ?? string.Join(' ', tokens);
    }

    /// <summary>The token text of <paramref name="id"/>, or null outside the vocabulary.</summary>
    public string? TokenOf(int id) => _tokenOfId.TryGetValue(id, out var token) ? token : null;

    // Microsoft.ML.Tokenizers' entry points: encoding without special tokens (callers add BOS themselves), decoding with them.
    protected override EncodeResults<EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        var input = text ?? textSpan.ToString();
        var tokens = Encode(input, addSpecialTokens: false).Select(id => new EncodedToken(id, TokenOf(id) ?? "", default)).ToList();
        return new EncodeResults<EncodedToken> { Tokens = tokens, NormalizedText = null, CharsConsumed = input.Length };
    }

    public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        var list = ids.ToList();
        var text = Decode(list, skipSpecialTokens: false);
        if (text.Length > destination.Length)
        {
            (idsConsumed, charsWritten) = (0, 0);
            return OperationStatus.DestinationTooSmall;
        }
        text.AsSpan().CopyTo(destination);
        (idsConsumed, charsWritten) = (list.Count, text.Length);
        return OperationStatus.Done;
    }
}
