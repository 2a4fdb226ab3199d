using System.Text;
using System.Text.RegularExpressions;

namespace DomainAssistant.Model.Tokenization.HuggingFace;

/// <summary>What Hugging Face's split does with the matched delimiters (SplitDelimiterBehavior).</summary>
internal enum SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous }

/// <summary>
/// Cuts text at the matches of a pattern, keeping or merging the matches as <see cref="SplitBehavior"/> says; the
/// folds follow tokenizers' NormalizedString::split step for step (two adjacent matches are never merged together
/// except by Contiguous).
/// </summary>
internal static class TextSplitter
{
    public static SplitBehavior ParseBehavior(string? name) => name switch
    {
        null or "Isolated" => SplitBehavior.Isolated,
        "Removed" => SplitBehavior.Removed,
        "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
        "MergedWithNext" => SplitBehavior.MergedWithNext,
        "Contiguous" => SplitBehavior.Contiguous,
        _ => throw new InvalidDataException($"split behavior '{name}' is not supported."),
    };

    /// <summary>Stretches (start, end, isMatch) covering <paramref name="text"/>, from a regex; empty matches are skipped.</summary>
    public static List<(int Start, int End, bool IsMatch)> Matches(string text, Regex pattern)
    {
        var stretches = new List<(int, int, bool)>();
        var previous = 0;
        for (var match = pattern.Match(text); match.Success; match = match.NextMatch())
        {
            if (match.Length == 0) continue;
            if (match.Index > previous) stretches.Add((previous, match.Index, false));
            stretches.Add((match.Index, match.Index + match.Length, true));
            previous = match.Index + match.Length;
        }
        if (previous < text.Length) stretches.Add((previous, text.Length, false));
        return stretches;
    }

    /// <summary>Stretches from a per-character test: every code point that passes is a match of its own.</summary>
    public static List<(int Start, int End, bool IsMatch)> Matches(string text, Func<Rune, bool> isDelimiter)
    {
        var stretches = new List<(int, int, bool)>();
        var (previous, position) = (0, 0);
        foreach (var rune in text.EnumerateRunes())
        {
            var end = position + rune.Utf16SequenceLength;
            if (isDelimiter(rune))
            {
                if (position > previous) stretches.Add((previous, position, false));
                stretches.Add((position, end, true));
                previous = end;
            }
            position = end;
        }
        if (previous < text.Length) stretches.Add((previous, text.Length, false));
        return stretches;
    }

    /// <summary>The pieces left after applying <paramref name="behavior"/> (and invert) to the stretches.</summary>
    public static IEnumerable<(int Start, int End)> Split(List<(int Start, int End, bool IsMatch)> stretches, SplitBehavior behavior, bool invert)
    {
        if (invert) stretches = [.. stretches.Select(s => (s.Start, s.End, !s.IsMatch))];
        var pieces = new List<(int Start, int End)>();
        var previousMatch = false;
        switch (behavior)
        {
            case SplitBehavior.Removed:
                return stretches.Where(s => !s.IsMatch).Select(s => (s.Start, s.End));
            case SplitBehavior.Isolated:
                return stretches.Select(s => (s.Start, s.End));
            case SplitBehavior.MergedWithPrevious:
                foreach (var s in stretches)
                {
                    if (s.IsMatch && !previousMatch && pieces.Count > 0) pieces[^1] = (pieces[^1].Start, s.End);
                    else pieces.Add((s.Start, s.End));
                    previousMatch = s.IsMatch;
                }
                return pieces;
            case SplitBehavior.MergedWithNext:
                for (var i = stretches.Count - 1; i >= 0; i--)
                {
                    var s = stretches[i];
                    if (s.IsMatch && !previousMatch && pieces.Count > 0) pieces[^1] = (s.Start, pieces[^1].End);
                    else pieces.Add((s.Start, s.End));
                    previousMatch = s.IsMatch;
                }
                pieces.Reverse();
                return pieces;
            case SplitBehavior.Contiguous:
                for (var i = 0; i < stretches.Count; i++)
                {
                    var s = stretches[i];
                    if (i > 0 && s.IsMatch == previousMatch) pieces[^1] = (pieces[^1].Start, s.End);
                    else pieces.Add((s.Start, s.End));
                    previousMatch = s.IsMatch;
                }
                return pieces;
            default:
                throw new ArgumentOutOfRangeException(nameof(behavior));
        }
    }
}
