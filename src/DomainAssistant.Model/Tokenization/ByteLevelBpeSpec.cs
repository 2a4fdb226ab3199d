using System.Text.Json;
using System.Text.RegularExpressions;

namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// What a Hugging Face tokenizer.json says about a byte-level BPE tokenizer (GPT-2, Llama-3, Qwen2): vocabulary,
/// merges, added tokens, the pre-tokenizer's split patterns and the post-processor's BOS. Anything else is refused
/// with a message saying what is unsupported.
/// </summary>
internal sealed record ByteLevelBpeSpec
{
    public required Dictionary<string, int> Vocab { get; init; }
    public required List<string> Merges { get; init; }
    public required List<AddedToken> AddedTokens { get; init; }
    public required List<Regex> Splits { get; init; }
    public string? UnknownToken { get; init; }
    public string? ContinuingSubwordPrefix { get; init; }
    public string? EndOfWordSuffix { get; init; }
    public bool FuseUnknownTokens { get; init; }

    /// <summary>The special token the post-processor puts first (Llama-3's &lt;|begin_of_text|&gt;), if any.</summary>
    public string? PostProcessorBos { get; init; }

    /// <summary>Reads <paramref name="path"/>; every problem becomes an <see cref="InvalidDataException"/> naming the file.</summary>
    public static ByteLevelBpeSpec Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = Object(document.RootElement, "the top level");
            var model = Object(Property(root, "model"), "model");
            var type = model.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type is not (null or "BPE"))
                throw new InvalidDataException($"model.type is '{type}'; only BPE is supported.");
            return new ByteLevelBpeSpec
            {
                Vocab = ReadVocab(Object(Property(model, "vocab"), "model.vocab")),
                Merges = ReadMerges(Property(model, "merges")),
                AddedTokens = ReadAddedTokens(root),
                Splits = ReadPreTokenizer(root),
                UnknownToken = OptionalString(model, "unk_token"),
                ContinuingSubwordPrefix = OptionalString(model, "continuing_subword_prefix"),
                EndOfWordSuffix = OptionalString(model, "end_of_word_suffix"),
                FuseUnknownTokens = model.TryGetProperty("fuse_unk", out var fuse) && fuse.ValueKind == JsonValueKind.True,
                PostProcessorBos = ReadPostProcessorBos(root),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{path}: not a valid tokenizer.json: {ex.Message}", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    static JsonElement Property(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) ? value : throw new InvalidDataException($"'{name}' is missing.");

    static JsonElement Object(JsonElement element, string what) =>
        element.ValueKind == JsonValueKind.Object ? element : throw new InvalidDataException($"{what} is not a JSON object.");

    static string? OptionalString(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s : null;

    static Dictionary<string, int> ReadVocab(JsonElement vocab)
    {
        var entries = new Dictionary<string, int>(StringComparer.Ordinal);
        var owners = new Dictionary<int, string>();
        foreach (var entry in vocab.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
                throw new InvalidDataException($"model.vocab['{entry.Name}'] is not a token id.");
            if (!owners.TryAdd(id, entry.Name))
                throw new InvalidDataException($"model.vocab gives id {id} to both '{owners[id]}' and '{entry.Name}'.");
            entries[entry.Name] = id;
        }
        if (entries.Count == 0) throw new InvalidDataException("model.vocab is empty.");
        return entries;
    }

    static List<string> ReadMerges(JsonElement merges)
    {
        if (merges.ValueKind != JsonValueKind.Array) throw new InvalidDataException("model.merges is not an array.");
        var result = new List<string>();
        foreach (var merge in merges.EnumerateArray())
        {
            // Older files write "a b"; newer ones write ["a", "b"] so that tokens may contain spaces.
            var (left, right) = merge.ValueKind switch
            {
                JsonValueKind.String when merge.GetString()!.Split(' ') is [var a, var b] => (a, b),
                JsonValueKind.Array when merge.GetArrayLength() == 2 => (merge[0].GetString(), merge[1].GetString()),
                _ => (null, null),
            };
            if (string.IsNullOrEmpty(left) || string.IsNullOrEmpty(right))
                throw new InvalidDataException($"merge {result.Count} ({merge.GetRawText()}) is not a pair of tokens.");
            if (left.Contains(' ', StringComparison.Ordinal) || right.Contains(' ', StringComparison.Ordinal))
                throw new InvalidDataException($"merge {result.Count} has a token containing a space, which Microsoft.ML.Tokenizers' merge format cannot express.");
            result.Add($"{left} {right}");
        }
        return result;
    }

    static List<AddedToken> ReadAddedTokens(JsonElement root)
    {
        if (!root.TryGetProperty("added_tokens", out var added) || added.ValueKind == JsonValueKind.Null) return [];
        if (added.ValueKind != JsonValueKind.Array) throw new InvalidDataException("added_tokens is not an array.");
        return [.. added.EnumerateArray().Select((token, index) =>
        {
            if (token.ValueKind != JsonValueKind.Object || !token.TryGetProperty("id", out var id) || !id.TryGetInt32(out var value) || value < 0)
                throw new InvalidDataException($"added_tokens[{index}] has no valid id.");
            var content = TokenizerConfig.TokenText(token, "content");
            if (string.IsNullOrEmpty(content)) throw new InvalidDataException($"added_tokens[{index}] has no content.");
            return new AddedToken(value, content, token.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True);
        })];
    }

    static List<Regex> ReadPreTokenizer(JsonElement root)
    {
        if (root.TryGetProperty("normalizer", out var normalizer) && normalizer.ValueKind != JsonValueKind.Null)
        {
            // NFC is accepted but not applied: with InvariantGlobalization .NET cannot normalise, and prompts are
            // almost always NFC already. Any other normaliser changes text in ways we would get wrong.
            var kind = normalizer.TryGetProperty("type", out var nt) ? nt.GetString() : null;
            if (kind != "NFC") throw new InvalidDataException($"normalizer '{kind}' is not supported (only none or NFC).");
        }
        var preTokenizer = root.TryGetProperty("pre_tokenizer", out var p) && p.ValueKind == JsonValueKind.Object
            ? p : throw new InvalidDataException("there is no pre_tokenizer; only byte-level BPE (a ByteLevel pre-tokenizer) is supported.");
        var steps = TypeOf(preTokenizer) == "Sequence"
            ? [.. Property(preTokenizer, "pretokenizers").EnumerateArray()]
            : new List<JsonElement> { preTokenizer };

        var splits = new List<Regex>();
        var byteLevel = false;
        foreach (var step in steps)
        {
            switch (TypeOf(step))
            {
                case "Split": splits.Add(ReadSplit(step)); break;
                case "ByteLevel":
                    byteLevel = true;
                    if (step.TryGetProperty("add_prefix_space", out var prefix) && prefix.ValueKind == JsonValueKind.True)
                        throw new InvalidDataException("ByteLevel add_prefix_space=true is not supported.");
                    if (!step.TryGetProperty("use_regex", out var useRegex) || useRegex.ValueKind != JsonValueKind.False)
                        splits.Add(CreateRegex(SplitPreTokenizer.Gpt2Pattern));
                    break;
                default: throw new InvalidDataException($"pre-tokenizer '{TypeOf(step)}' is not supported (only Split and ByteLevel).");
            }
        }
        if (!byteLevel) throw new InvalidDataException("the pre-tokenizer has no ByteLevel step; only byte-level BPE is supported.");
        return splits;
    }

    static string? TypeOf(JsonElement element) => element.TryGetProperty("type", out var type) ? type.GetString() : null;

    static Regex ReadSplit(JsonElement split)
    {
        var behavior = split.TryGetProperty("behavior", out var b) ? b.GetString() : "Isolated";
        if (behavior != "Isolated" || (split.TryGetProperty("invert", out var invert) && invert.ValueKind == JsonValueKind.True))
            throw new InvalidDataException($"Split with behavior '{behavior}' (or invert) is not supported; only Isolated.");
        var pattern = Property(split, "pattern");
        if (pattern.TryGetProperty("Regex", out var regex)) return CreateRegex(regex.GetString()!);
        if (pattern.TryGetProperty("String", out var literal)) return CreateRegex(Regex.Escape(literal.GetString()!));
        throw new InvalidDataException("Split.pattern has neither Regex nor String.");
    }

    static Regex CreateRegex(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"split pattern '{pattern}' is not a .NET regex: {ex.Message}");
        }
    }

    static string? ReadPostProcessorBos(JsonElement root)
    {
        if (!root.TryGetProperty("post_processor", out var processor) || processor.ValueKind != JsonValueKind.Object) return null;
        var processors = TypeOf(processor) == "Sequence" && processor.TryGetProperty("processors", out var list)
            ? [.. list.EnumerateArray()]
            : new List<JsonElement> { processor };
        foreach (var step in processors.Where(s => TypeOf(s) == "TemplateProcessing"))
        {
            if (!step.TryGetProperty("single", out var single) || single.ValueKind != JsonValueKind.Array || single.GetArrayLength() == 0) continue;
            if (single[0].TryGetProperty("SpecialToken", out var special) && special.TryGetProperty("id", out var id))
                return id.GetString();
        }
        return null;
    }
}
