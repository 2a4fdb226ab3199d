using System.Text.RegularExpressions;

namespace DomainAssistant.Grounding;

/// <summary>
/// Replaces a share of the content words of a text by other words of the same corpus, the same way everywhere it is
/// applied (one mapping per drill: context, question and answer stay consistent). The sentence keeps its shape and
/// its function words, but no longer says what the corpus says, so only reading the context can answer for it.
/// </summary>
public sealed partial class WordSwap(IReadOnlyList<string> vocabulary, double rate, Random random)
{
    readonly Dictionary<string, string> _mapping = new(StringComparer.Ordinal);

    /// <summary>The distinct lower-case content words (four letters or more, no function words) of <paramref name="texts"/>, in a stable order.</summary>
    public static IReadOnlyList<string> VocabularyOf(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return [.. texts.SelectMany(t => Word().Matches(t).Select(m => m.Value.ToLowerInvariant())).Where(w => !TextUnits.IsFunctionWord(w))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary><paramref name="text"/> with its content words mapped: each distinct word is drawn once, kept or replaced, and a capital first letter stays capital.</summary>
    public string Apply(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Word().Replace(text, match =>
        {
            var word = match.Value.ToLowerInvariant();
            if (TextUnits.IsFunctionWord(word) || vocabulary.Count == 0) return match.Value;
            if (!_mapping.TryGetValue(word, out var to))
                _mapping[word] = to = random.NextDouble() < rate ? vocabulary[random.Next(vocabulary.Count)] : word;
            return char.IsUpper(match.Value[0]) ? char.ToUpperInvariant(to[0]) + to[1..] : to;
        });
    }

    /// <summary>An all-letter word of four letters or more (codes and numbers are <see cref="CounterfactualFacts"/>' to change).</summary>
    [GeneratedRegex(@"(?<![\p{L}\p{N}])\p{L}{4,}(?![\p{L}\p{N}])")]
    private static partial Regex Word();
}
