using System.Text;
using System.Text.RegularExpressions;

namespace DomainAssistant.Grounding;

/// <summary>
/// The small text operations grounded data is built from: a document's sentences (list items count as one),
/// normalised wording for comparisons, and the key facts (numbers and codes) an answer must carry.
/// </summary>
public static partial class TextUnits
{
    /// <summary>The sentences of <paramref name="text"/>: each list item or table-free line of prose split at sentence ends; headings and blank lines are skipped.</summary>
    public static IEnumerable<string> Sentences(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith('|') || line.StartsWith("```", StringComparison.Ordinal)) continue;
            line = ListMarker().Replace(line, "");
            foreach (var sentence in SentenceEnd().Split(line))
                if (sentence.Trim() is { Length: > 0 } s) yield return s;
        }
    }

    /// <summary>Lower case, every run of characters other than letters and digits one space: how wordings are compared.</summary>
    public static string Normalise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spaced = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant()) spaced.Append(char.IsLetterOrDigit(c) ? c : ' ');
        return string.Join(' ', spaced.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The words of a normalised text.</summary>
    public static string[] Words(string text) => Normalise(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Numbers and codes: maximal runs of letters and digits joined by <c>. , : / -</c> that hold a digit ("09:00", "E104", "SM-5").</summary>
    public static IReadOnlyList<string> KeyFacts(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. Run().Matches(text).Select(m => m.Value.TrimEnd('.', ',', ':')).Where(v => v.Any(char.IsDigit)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>SQuAD-style word overlap F1 of two texts (multiset of normalised words).</summary>
    public static double OverlapF1(string a, string b) => OverlapF1(Words(a), Words(b));

    /// <summary>Overlap F1 of two word lists, counted as multisets; 0 when either is empty.</summary>
    public static double OverlapF1(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (left.Count == 0 || right.Count == 0) return 0;
        var remaining = right.GroupBy(w => w, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var common = 0;
        foreach (var word in left)
        {
            if (!remaining.TryGetValue(word, out var count) || count == 0) continue;
            remaining[word] = count - 1;
            common++;
        }
        if (common == 0) return 0;
        double precision = (double)common / left.Count, recall = (double)common / right.Count;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>Whether a lower-case word of four letters or more carries no content ("that", "with", "about"): templates and drills leave these alone.</summary>
    public static bool IsFunctionWord(string word) => FunctionWords.Contains(word);

    static readonly HashSet<string> FunctionWords = new(StringComparer.Ordinal)
    {
        "that", "this", "with", "from", "your", "they", "them", "then", "than", "when", "what", "which", "will", "have", "there",
        "their", "into", "also", "only", "about", "more", "most", "some", "each", "been", "were", "does", "after", "before",
    };

    [GeneratedRegex(@"^(?:[-*+]|\d+[.)])\s+")]
    private static partial Regex ListMarker();

    [GeneratedRegex(@"(?<=[.!?])\s+(?=[A-Z0-9""(])")]
    private static partial Regex SentenceEnd();

    /// <summary>A maximal run of letters and digits joined by <c>. , : / -</c>: the unit <see cref="KeyFacts"/> reads and <see cref="CounterfactualFacts"/> replaces.</summary>
    [GeneratedRegex(@"[\p{L}\p{N}]+(?:[.,:/\-][\p{L}\p{N}]+)*")]
    internal static partial Regex Run();
}
