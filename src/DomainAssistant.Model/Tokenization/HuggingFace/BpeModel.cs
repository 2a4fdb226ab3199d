using System.Globalization;
using System.Text.Json;

namespace DomainAssistant.Model.Tokenization.HuggingFace;

/// <summary>
/// Hugging Face's BPE model: a pre-tokenized word becomes characters (with byte fallback or the unknown token for
/// characters outside the vocabulary), then the pair with the lowest merge rank is merged, leftmost first, until no
/// merge applies. ignore_merges looks the whole word up first (Llama-3).
/// </summary>
/// <remarks>
/// Written here rather than taken from Microsoft.ML.Tokenizers' BpeTokenizer, which has no byte fallback, no
/// ignore_merges and no way to express a merge of tokens that contain spaces: Gemma, Mistral and Llama-2
/// tokenizer.json files need the first, Llama-3 the second.
/// </remarks>
internal sealed class BpeModel
{
    readonly Dictionary<string, int> _vocab;
    readonly Dictionary<(int Left, int Right), (int Rank, int Merged)> _merges;
    readonly int? _unknownId;
    readonly string? _continuingSubwordPrefix;
    readonly string? _endOfWordSuffix;
    readonly bool _fuseUnknown;
    readonly bool _byteFallback;
    readonly bool _ignoreMerges;
    readonly Dictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    readonly Lock _cacheLock = new();

    BpeModel(JsonElement model)
    {
        _vocab = ReadVocab(TokenizerJson.Property(model, "vocab"));
        _continuingSubwordPrefix = NonEmpty(TokenizerJson.OptionalString(model, "continuing_subword_prefix"));
        _endOfWordSuffix = NonEmpty(TokenizerJson.OptionalString(model, "end_of_word_suffix"));
        _fuseUnknown = TokenizerJson.Bool(model, "fuse_unk", false);
        _byteFallback = TokenizerJson.Bool(model, "byte_fallback", false);
        _ignoreMerges = TokenizerJson.Bool(model, "ignore_merges", false);
        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() > 0)
            throw new InvalidDataException("BPE dropout is not supported: it makes encoding random.");
        if (TokenizerJson.OptionalString(model, "unk_token") is { } unknown)
            _unknownId = _vocab.TryGetValue(unknown, out var id) ? id : throw new InvalidDataException($"BPE unk_token '{unknown}' is not in the vocabulary.");
        _merges = ReadMerges(TokenizerJson.Property(model, "merges"));
        Vocab = _vocab;
    }

    /// <summary>Token text to id, as the file lists it.</summary>
    public IReadOnlyDictionary<string, int> Vocab { get; }

    public bool ByteFallback => _byteFallback;

    public static BpeModel Read(JsonElement model)
    {
        var type = TokenizerJson.OptionalString(model, "type");
        if (type is not (null or "BPE")) throw new InvalidDataException($"model '{type}' is not supported (only BPE).");
        return new BpeModel(model);
    }

    /// <summary>The ids of one pre-tokenized word.</summary>
    public int[] Encode(string word)
    {
        lock (_cacheLock)
            if (_cache.TryGetValue(word, out var cached)) return cached;
        var ids = _ignoreMerges && _vocab.TryGetValue(word, out var whole) ? [whole] : Merge(Symbols(word));
        lock (_cacheLock)
            if (_cache.Count < 100_000) _cache[word] = ids;
        return ids;
    }

    // The word's characters as ids: the first without and the others with the subword prefix, the last with the suffix.
    List<int> Symbols(string word)
    {
        var symbols = new List<int>(word.Length);
        var unknownPending = false;
        var position = 0;
        foreach (var rune in word.EnumerateRunes())
        {
            var text = rune.ToString();
            var isFirst = position == 0;
            position += rune.Utf16SequenceLength;
            var isLast = position == word.Length;
            if (!isFirst && _continuingSubwordPrefix is not null) text = _continuingSubwordPrefix + text;
            if (isLast && _endOfWordSuffix is not null) text += _endOfWordSuffix;
            if (_vocab.TryGetValue(text, out var id))
            {
                symbols.Add(id);
                unknownPending = false;
            }
            else if (_byteFallback && ByteIds(rune) is { } bytes)
            {
                symbols.AddRange(bytes);
                unknownPending = false;
            }
            else if (_unknownId is int unknown)
            {
                // fuse_unk: a run of unknown characters is one unknown token.
                if (!(_fuseUnknown && unknownPending)) symbols.Add(unknown);
                unknownPending = true;
            }
            else
            {
                throw new InvalidOperationException($"character U+{rune.Value:X4} is not in the vocabulary, which has no unk_token.");
            }
        }
        return symbols;
    }

    // Byte fallback applies only when every byte of the character has its <0xXX> token; otherwise the unknown token.
    int[]? ByteIds(System.Text.Rune rune)
    {
        Span<byte> utf8 = stackalloc byte[4];
        var length = rune.EncodeToUtf8(utf8);
        var ids = new int[length];
        for (var i = 0; i < length; i++)
            if (!_vocab.TryGetValue(string.Create(CultureInfo.InvariantCulture, $"<0x{utf8[i]:X2}>"), out ids[i])) return null;
        return ids;
    }

    int[] Merge(List<int> symbols)
    {
        while (symbols.Count > 1)
        {
            var (best, bestRank, merged) = (-1, int.MaxValue, -1);
            for (var i = 0; i < symbols.Count - 1; i++)
            {
                if (_merges.TryGetValue((symbols[i], symbols[i + 1]), out var merge) && merge.Rank < bestRank)
                    (best, bestRank, merged) = (i, merge.Rank, merge.Merged);
            }
            if (best < 0) break;
            symbols[best] = merged;
            symbols.RemoveAt(best + 1);
        }
        return [.. symbols];
    }

    static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    static Dictionary<string, int> ReadVocab(JsonElement vocab)
    {
        if (vocab.ValueKind != JsonValueKind.Object) throw new InvalidDataException("model.vocab is not a JSON object.");
        var entries = new Dictionary<string, int>(StringComparer.Ordinal);
        var owners = new Dictionary<int, string>();
        foreach (var entry in vocab.EnumerateObject())
        {
            if (!entry.Value.TryGetInt32(out var id) || id < 0) throw new InvalidDataException($"model.vocab['{entry.Name}'] is not a token id.");
            // Decoding needs one token per id.
            if (!owners.TryAdd(id, entry.Name))
                throw new InvalidDataException($"model.vocab gives id {id} to both '{owners[id]}' and '{entry.Name}'.");
            entries[entry.Name] = id;
        }
        if (entries.Count == 0) throw new InvalidDataException("model.vocab is empty.");
        return entries;
    }

    Dictionary<(int, int), (int, int)> ReadMerges(JsonElement merges)
    {
        if (merges.ValueKind != JsonValueKind.Array) throw new InvalidDataException("model.merges is not an array.");
        var result = new Dictionary<(int, int), (int, int)>(merges.GetArrayLength());
        var rank = 0;
        foreach (var merge in merges.EnumerateArray())
        {
            // Older files write "a b"; newer ones ["a", "b"], so that tokens may contain spaces.
            var (left, right) = merge.ValueKind switch
            {
                JsonValueKind.String when merge.GetString()!.Split(' ') is [var a, var b] => (a, b),
                JsonValueKind.Array when merge.GetArrayLength() == 2 => (merge[0].GetString(), merge[1].GetString()),
                _ => throw new InvalidDataException($"merge {rank} ({merge.GetRawText()}) is not a pair of tokens."),
            };
            if (left is null || right is null || !_vocab.TryGetValue(left, out var l) || !_vocab.TryGetValue(right, out var r))
                throw new InvalidDataException($"merge {rank} ({merge.GetRawText()}) names a token outside the vocabulary.");
            // As in Hugging Face, the right token's continuing-subword prefix is dropped from the merged token.
            var joined = left + right[Math.Min(_continuingSubwordPrefix?.Length ?? 0, right.Length)..];
            if (!_vocab.TryGetValue(joined, out var m)) throw new InvalidDataException($"merge {rank} ({merge.GetRawText()}) makes '{joined}', which is not in the vocabulary.");
            // A pair listed twice keeps its first (best) rank.
            result.TryAdd((l, r), (rank, m));
            rank++;
        }
        return result;
    }
}
