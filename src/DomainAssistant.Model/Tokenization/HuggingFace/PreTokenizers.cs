using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DomainAssistant.Model.Tokenization.HuggingFace;

/// <summary>A stretch of text on its way to the model; <paramref name="AtStart"/> when it begins the encoded text.</summary>
internal readonly record struct Piece(string Text, bool AtStart);

/// <summary>tokenizer.json's pre_tokenizer: cuts each piece into smaller ones (and may rewrite them, as ByteLevel does).</summary>
internal abstract class PreTokenizerStep
{
    public abstract IEnumerable<Piece> Split(Piece piece);

    public static PreTokenizerStep? Read(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null) return null;
        return TokenizerJson.TypeOf(element) switch
        {
            "Sequence" => new SequencePreTokenizer([.. TokenizerJson.Array(element, "pretokenizers").Select(Read).OfType<PreTokenizerStep>()]),
            "Split" => new PatternSplit(
                TokenizerJson.Pattern(element, "pattern"),
                TextSplitter.ParseBehavior(TokenizerJson.OptionalString(element, "behavior")),
                TokenizerJson.Bool(element, "invert", false)),
            "Digits" => new RuneSplit(UnicodeClasses.IsNumeric,
                TokenizerJson.Bool(element, "individual_digits", false) ? SplitBehavior.Isolated : SplitBehavior.Contiguous),
            "Punctuation" => new RuneSplit(UnicodeClasses.IsPunctuation, TextSplitter.ParseBehavior(TokenizerJson.OptionalString(element, "behavior"))),
            "Whitespace" => new WhitespaceSplit(),
            "WhitespaceSplit" => new RuneSplit(r => Rune.IsWhiteSpace(r), SplitBehavior.Removed),
            "ByteLevel" => new ByteLevelPreTokenizer(TokenizerJson.Bool(element, "add_prefix_space", true), TokenizerJson.Bool(element, "use_regex", true)),
            "Metaspace" => MetaspacePreTokenizer.FromJson(element),
            var other => throw new InvalidDataException($"pre-tokenizer '{other}' is not supported."),
        };
    }

    /// <summary>Pieces for the given (start, end) ranges; only a piece at offset 0 of a starting piece starts the text.</summary>
    protected static IEnumerable<Piece> Cut(Piece piece, IEnumerable<(int Start, int End)> ranges) =>
        ranges.Where(r => r.End > r.Start).Select(r => new Piece(piece.Text[r.Start..r.End], piece.AtStart && r.Start == 0));
}

internal sealed class SequencePreTokenizer(IReadOnlyList<PreTokenizerStep> steps) : PreTokenizerStep
{
    public override IEnumerable<Piece> Split(Piece piece)
    {
        IEnumerable<Piece> pieces = [piece];
        foreach (var step in steps) pieces = [.. pieces.SelectMany(step.Split)];
        return pieces;
    }
}

internal sealed class PatternSplit(Regex pattern, SplitBehavior behavior, bool invert) : PreTokenizerStep
{
    public override IEnumerable<Piece> Split(Piece piece) =>
        Cut(piece, TextSplitter.Split(TextSplitter.Matches(piece.Text, pattern), behavior, invert));
}

/// <summary>Splits at code points of one class (Digits: numbers; Punctuation; WhitespaceSplit: whitespace, dropped).</summary>
internal sealed class RuneSplit(Func<Rune, bool> isDelimiter, SplitBehavior behavior) : PreTokenizerStep
{
    public override IEnumerable<Piece> Split(Piece piece) =>
        Cut(piece, TextSplitter.Split(TextSplitter.Matches(piece.Text, isDelimiter), behavior, invert: false));
}

/// <summary>Hugging Face's Whitespace: keeps the runs of \w+ and of [^\w\s]+ (Rust regex classes), drops the rest.</summary>
internal sealed class WhitespaceSplit : PreTokenizerStep
{
    enum Kind { Word, Other, Space }

    public override IEnumerable<Piece> Split(Piece piece)
    {
        var ranges = new List<(int Start, int End)>();
        var (start, position, current) = (0, 0, Kind.Space);
        foreach (var rune in piece.Text.EnumerateRunes())
        {
            var kind = UnicodeClasses.IsWord(rune) ? Kind.Word : Rune.IsWhiteSpace(rune) ? Kind.Space : Kind.Other;
            if (kind != current)
            {
                if (current != Kind.Space && position > start) ranges.Add((start, position));
                (start, current) = (position, kind);
            }
            position += rune.Utf16SequenceLength;
        }
        if (current != Kind.Space && position > start) ranges.Add((start, position));
        return Cut(piece, ranges);
    }
}

/// <summary>
/// GPT-2's byte-level step: optionally a leading space, optionally the GPT-2 split, then every UTF-8 byte written
/// as its stand-in character so that the BPE model only ever sees its 256-symbol alphabet.
/// </summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : PreTokenizerStep
{
    /// <summary>GPT-2's pattern, which the ByteLevel pre-tokenizer splits with when use_regex is true.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    static readonly Regex Gpt2 = new(Gpt2Pattern, RegexOptions.CultureInvariant);

    public override IEnumerable<Piece> Split(Piece piece)
    {
        var text = addPrefixSpace && !piece.Text.StartsWith(' ') ? " " + piece.Text : piece.Text;
        var withPrefix = piece with { Text = text };
        var pieces = useRegex ? Cut(withPrefix, TextSplitter.Split(TextSplitter.Matches(text, Gpt2), SplitBehavior.Isolated, false)) : [withPrefix];
        return pieces.Select(p => p with { Text = ByteLevelAlphabet.Encode(p.Text) });
    }
}

/// <summary>SentencePiece's spaces as Hugging Face writes them: ' ' becomes the replacement ('▁'), a prefix is added, and pieces start at each '▁'.</summary>
internal sealed class MetaspacePreTokenizer(string replacement, string prependScheme, bool split) : PreTokenizerStep
{
    public static MetaspacePreTokenizer FromJson(JsonElement element)
    {
        var replacement = TokenizerJson.OptionalString(element, "replacement") ?? "▁";
        if (replacement.EnumerateRunes().Count() != 1) throw new InvalidDataException($"Metaspace replacement '{replacement}' is not one character.");
        // Older files say add_prefix_space instead of prepend_scheme.
        var scheme = TokenizerJson.OptionalString(element, "prepend_scheme")
            ?? (TokenizerJson.Bool(element, "add_prefix_space", true) ? "always" : "never");
        if (scheme is not ("always" or "first" or "never")) throw new InvalidDataException($"Metaspace prepend_scheme '{scheme}' is not supported.");
        return new MetaspacePreTokenizer(replacement, scheme, TokenizerJson.Bool(element, "split", true));
    }

    public override IEnumerable<Piece> Split(Piece piece)
    {
        var text = piece.Text.Replace(" ", replacement, StringComparison.Ordinal);
        var prepend = scheme() && !text.StartsWith(replacement, StringComparison.Ordinal);
        if (prepend) text = replacement + text;
        var replaced = piece with { Text = text };
        if (!split) return [replaced];
        var mark = Rune.GetRuneAt(replacement, 0);
        return Cut(replaced, TextSplitter.Split(TextSplitter.Matches(text, r => r == mark), SplitBehavior.MergedWithNext, false));

        bool scheme() => prependScheme == "always" || (prependScheme == "first" && piece.AtStart);
    }
}
