using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// Hugging Face's pre-tokenization for byte-level BPE: added/special tokens are cut out whole first, then each
/// stretch between them is split by one or more regexes in the "Isolated" way (every match is a piece, and so is
/// any text between matches, so no character is ever dropped).
/// </summary>
/// <remarks>
/// The library's RegexPreTokenizer drops text that its regex does not match; for the GPT-2 and Llama-3 patterns that
/// never happens, but a tokenizer.json with a narrower Split pattern would silently lose text, hence this class.
/// </remarks>
internal sealed class SplitPreTokenizer : PreTokenizer
{
    /// <summary>GPT-2's pattern, used by the ByteLevel pre-tokenizer when use_regex is true.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    readonly IReadOnlyList<Regex> _splits;
    readonly Regex? _specialTokens;

    public SplitPreTokenizer(IReadOnlyList<Regex> splits, IEnumerable<string> specialTokens)
    {
        _splits = splits;
        // Longest first, so that of two added tokens starting at one place the longer wins, as in Hugging Face.
        var alternatives = specialTokens.Where(t => t.Length > 0).OrderByDescending(t => t.Length).Select(Regex.Escape).ToList();
        if (alternatives.Count > 0) _specialTokens = new Regex(string.Join('|', alternatives), RegexOptions.CultureInvariant);
    }

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => PreTokenize(text.ToString());

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pieces = new List<(int Offset, int Length)>();
        var start = 0;
        for (var special = _specialTokens?.Match(text); special is { Success: true }; special = special.NextMatch())
        {
            SplitStretch(text, start, special.Index - start, 0, pieces);
            pieces.Add((special.Index, special.Length));
            start = special.Index + special.Length;
        }
        SplitStretch(text, start, text.Length - start, 0, pieces);
        return pieces;
    }

    void SplitStretch(string text, int offset, int length, int stage, List<(int Offset, int Length)> pieces)
    {
        if (length == 0) return;
        if (stage == _splits.Count)
        {
            pieces.Add((offset, length));
            return;
        }
        var end = offset + length;
        var position = offset;
        // Match inside the stretch only: lookarounds such as \s+(?!\S) must not see past a special token.
        for (var match = _splits[stage].Match(text, offset, length); match.Success; match = match.NextMatch())
        {
            if (match.Length == 0) continue;
            SplitStretch(text, position, match.Index - position, stage + 1, pieces);
            SplitStretch(text, match.Index, match.Length, stage + 1, pieces);
            position = match.Index + match.Length;
        }
        SplitStretch(text, position, end - position, stage + 1, pieces);
    }
}
