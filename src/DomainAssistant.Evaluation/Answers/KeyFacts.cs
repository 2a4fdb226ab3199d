using System.Text;
using System.Text.RegularExpressions;

namespace DomainAssistant.Evaluation.Answers;

/// <summary>
/// When a generated answer counts as correct: it contains the reference answer's key facts. Precisely:
/// <list type="number">
/// <item>Citation markers like <c>[2]</c> are removed from the generated answer; both texts are lower-cased.</item>
/// <item>The key facts are the reference's numbers and codes: each maximal run of letters and digits, joined by
/// <c>. , : / -</c> inside it, that holds a digit ("09:00", "P3", "E104", "SM-5", "1,299", "0800", "2.5").</item>
/// <item>The answer is correct when the reference has key facts and every one appears in the answer as a whole
/// token (no letter or digit right before or after it: "3" is not found in "30" or "P3"), or when the whole
/// reference, normalised (punctuation to spaces, whitespace collapsed), is contained in the normalised answer.</item>
/// </list>
/// A reference without numbers or codes ("Self-Use mode is the default mode.") therefore needs the whole sentence:
/// strict on purpose, so the figure never credits a vague answer. <see cref="TokenF1"/> is reported beside it as the
/// lenient view (SQuAD's bag-of-words F1).
/// </summary>
public static partial class KeyFacts
{
    /// <summary>The reference's numbers and codes, lower-cased, in order, without repeats.</summary>
    public static IReadOnlyList<string> Of(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return [.. Run().Matches(reference.ToLowerInvariant()).Select(m => m.Value).Where(v => v.Any(char.IsDigit)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Whether <paramref name="answer"/> holds the key facts of <paramref name="reference"/> (rules above).</summary>
    public static bool Contains(string answer, string reference)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var text = Citation().Replace(answer, " ").ToLowerInvariant();
        var facts = Of(reference);
        if (facts.Count > 0 && facts.All(fact => HasToken(text, fact))) return true;
        var normalisedReference = Normalise(reference);
        return normalisedReference.Length > 0 && Normalise(text).Contains(normalisedReference, StringComparison.Ordinal);
    }

    /// <summary>SQuAD's token F1: lower-cased words without punctuation or articles, overlap counted as a multiset.</summary>
    public static double TokenF1(string answer, string reference)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var predicted = Words(Citation().Replace(answer, " "));
        var expected = Words(reference);
        if (predicted.Count == 0 || expected.Count == 0) return predicted.Count == expected.Count ? 1 : 0;
        var remaining = expected.GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
        var common = 0;
        foreach (var word in predicted)
        {
            if (remaining.TryGetValue(word, out var left) && left > 0)
            {
                remaining[word] = left - 1;
                common++;
            }
        }
        if (common == 0) return 0;
        double precision = (double)common / predicted.Count, recall = (double)common / expected.Count;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary><paramref name="answer"/> with its citation markers ("[2]") replaced by spaces.</summary>
    public static string WithoutCitations(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return Citation().Replace(answer, " ");
    }

    /// <summary>Whether <paramref name="fact"/> occurs in <paramref name="text"/> with no letter or digit right before or after it.</summary>
    public static bool HasToken(string text, string fact)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(fact);
        for (var at = text.IndexOf(fact, StringComparison.Ordinal); at >= 0; at = text.IndexOf(fact, at + 1, StringComparison.Ordinal))
        {
            var before = at == 0 || !char.IsLetterOrDigit(text[at - 1]);
            var end = at + fact.Length;
            var after = end == text.Length || !char.IsLetterOrDigit(text[end]);
            if (before && after) return true;
        }
        return false;
    }

    static string Normalise(string text)
    {
        var spaced = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant()) spaced.Append(char.IsLetterOrDigit(c) ? c : ' ');
        return string.Join(' ', spaced.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    static List<string> Words(string text) =>
        [.. Normalise(text).Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w is not ("a" or "an" or "the"))];

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:[.,:/\-][\p{L}\p{N}]+)*")]
    private static partial Regex Run();

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex Citation();
}
