using System.Buffers;
using System.Text;
using System.Text.Json;

namespace DomainAssistant.Model.Tokenization.HuggingFace;

/// <summary>An entry of tokenizer.json's added_tokens, with the flags that change how it is matched.</summary>
internal sealed record AddedTokenSpec(int Id, string Content, bool Special, bool LStrip, bool RStrip, bool Normalized, bool SingleWord);

/// <summary>
/// Finds added tokens in text as Hugging Face's AddedVocabulary does: leftmost-longest matches, those with
/// normalized=false in the raw text and the others in the normalised text; single_word matches only between
/// non-word characters; lstrip/rstrip swallow the whitespace beside the token.
/// </summary>
internal sealed class AddedVocabulary
{
    readonly Dictionary<char, AddedTokenSpec[]> _raw;
    readonly Dictionary<char, AddedTokenSpec[]> _normalized;

    public AddedVocabulary(IReadOnlyList<AddedTokenSpec> tokens)
    {
        Tokens = tokens;
        _raw = ByFirstChar(tokens.Where(t => !t.Normalized));
        _normalized = ByFirstChar(tokens.Where(t => t.Normalized));
    }

    public IReadOnlyList<AddedTokenSpec> Tokens { get; }

    /// <summary>
    /// Reads added_tokens. As tokenizers does when it loads a file, a token whose text the model's vocabulary already
    /// has takes the vocabulary's id.
    /// </summary>
    public static AddedVocabulary Read(JsonElement root, IReadOnlyDictionary<string, int> modelVocab)
    {
        if (!root.TryGetProperty("added_tokens", out var added) || added.ValueKind == JsonValueKind.Null) return new([]);
        if (added.ValueKind != JsonValueKind.Array) throw new InvalidDataException("added_tokens is not an array.");
        return new([.. added.EnumerateArray().Select((token, index) =>
        {
            if (!token.TryGetProperty("id", out var id) || !id.TryGetInt32(out var value) || value < 0)
                throw new InvalidDataException($"added_tokens[{index}] has no valid id.");
            var content = TokenizerJson.OptionalString(token, "content");
            if (string.IsNullOrEmpty(content)) throw new InvalidDataException($"added_tokens[{index}] has no content.");
            var special = TokenizerJson.Bool(token, "special", false);
            if (modelVocab.TryGetValue(content, out var existing)) value = existing;
            return new AddedTokenSpec(value, content, special,
                TokenizerJson.Bool(token, "lstrip", false), TokenizerJson.Bool(token, "rstrip", false),
                TokenizerJson.Bool(token, "normalized", !special), TokenizerJson.Bool(token, "single_word", false));
        })]);
    }

    /// <summary>Splits raw text at the added tokens matched before normalisation.</summary>
    public List<(int Start, int End, AddedTokenSpec? Token)> SplitRaw(string text) => Split(text, _raw);

    /// <summary>Splits normalised text at the added tokens matched after normalisation.</summary>
    public List<(int Start, int End, AddedTokenSpec? Token)> SplitNormalized(string text) => Split(text, _normalized);

    static Dictionary<char, AddedTokenSpec[]> ByFirstChar(IEnumerable<AddedTokenSpec> tokens) =>
        tokens.GroupBy(t => t.Content[0]).ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());

    // tokenizers' find_matches, step for step: the next search starts where the match (not its stripped space) ended.
    static List<(int Start, int End, AddedTokenSpec? Token)> Split(string text, Dictionary<char, AddedTokenSpec[]> tokens)
    {
        var splits = new List<(int, int, AddedTokenSpec?)>();
        var startOffset = 0;
        var position = 0;
        while (tokens.Count > 0 && position < text.Length)
        {
            var token = LongestAt(text, position, tokens);
            if (token is null)
            {
                position++;
                continue;
            }
            var (start, stop) = (position, position + token.Content.Length);
            position = stop;
            if (token.SingleWord && ((start > 0 && IsWordBefore(text, start)) || (stop < text.Length && IsWordAt(text, stop)))) continue;
            if (token.LStrip)
            {
                var newStart = start;
                while (newStart > 0 && char.IsWhiteSpace(text[newStart - 1])) newStart--;
                start = Math.Max(newStart, startOffset);
            }
            if (token.RStrip)
                while (stop < text.Length && char.IsWhiteSpace(text[stop])) stop++;
            if (startOffset < start) splits.Add((startOffset, start, null));
            splits.Add((start, stop, token));
            startOffset = stop;
        }
        if (startOffset < text.Length) splits.Add((startOffset, text.Length, null));
        return splits;
    }

    static AddedTokenSpec? LongestAt(string text, int position, Dictionary<char, AddedTokenSpec[]> tokens)
    {
        if (!tokens.TryGetValue(text[position], out var candidates)) return null;
        foreach (var candidate in candidates)
            if (string.CompareOrdinal(text, position, candidate.Content, 0, candidate.Content.Length) == 0
                && position + candidate.Content.Length <= text.Length)
                return candidate;
        return null;
    }

    static bool IsWordBefore(string text, int index) =>
        Rune.DecodeLastFromUtf16(text.AsSpan(0, index), out var rune, out _) == OperationStatus.Done && UnicodeClasses.IsWord(rune);

    static bool IsWordAt(string text, int index) =>
        Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out _) == OperationStatus.Done && UnicodeClasses.IsWord(rune);
}
