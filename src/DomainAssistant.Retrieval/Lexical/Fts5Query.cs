using System.Text;

namespace DomainAssistant.Retrieval.Lexical;

/// <summary>
/// Turns user text into an FTS5 MATCH expression that cannot be read as query syntax: the text is cut into
/// words the way FTS5's unicode61 tokenizer cuts it (runs of letters and digits), each word becomes a quoted
/// string (FTS5's only fully literal form), and the words are OR-ed so BM25 ranks by how many and how rare.
/// Operators (AND, OR, NOT, NEAR), column filters (title:), prefixes (*), initial tokens (^), parentheses
/// and quotes in the input are therefore matched as plain words or dropped as separators.
/// </summary>
static class Fts5Query
{
    /// <summary>Longer questions are cut: BM25 over this many distinct words already ranks well.</summary>
    public const int MaxTerms = 64;

    /// <summary>The MATCH expression, or null when the text has no words to search for.</summary>
    public static string? FromUserText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = Words(text).Distinct(StringComparer.OrdinalIgnoreCase).Take(MaxTerms).ToList();
        if (terms.Count == 0) return null;
        return string.Join(" OR ", terms.Select(Quote));
    }

    /// <summary>A string FTS5 reads literally: wrapped in double quotes, inner quotes doubled.</summary>
    public static string Quote(string term) => "\"" + term.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || char.IsSurrogate(c))
            {
                word.Append(c);
                continue;
            }
            if (word.Length > 0) yield return word.ToString();
            word.Clear();
        }
        if (word.Length > 0) yield return word.ToString();
    }
}
