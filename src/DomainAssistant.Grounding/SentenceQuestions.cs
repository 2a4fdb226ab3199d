using System.Text.RegularExpressions;

namespace DomainAssistant.Grounding;

/// <summary>
/// Questions made from a corpus sentence by templates, so a domain with few written Q/A pairs still yields thousands
/// of grounded examples whose answer is the sentence itself. The templates only rearrange the sentence's own words
/// (they know no domain): a "label: value" item asks for the label; "X is/are/has/can ..." asks about X; a sentence
/// with a number or code asks for it in its place; any sentence can be asked about by its rarer words. What the model
/// learns from them is to find the sentence whose words match the question and copy it.
/// </summary>
public static partial class SentenceQuestions
{
    /// <summary>Sentences shorter than this many words make no question: too little to find or to answer with.</summary>
    public const int MinWords = 5;

    /// <summary>Up to <paramref name="count"/> questions about <paramref name="sentence"/>, in a random order of the templates that apply.</summary>
    /// <param name="sentence">A sentence or list item of the corpus.</param>
    /// <param name="title">The document's title, which names the subject when the sentence does not.</param>
    /// <param name="count">Questions wanted at most.</param>
    /// <param name="random">Picks templates and wordings (seeded by the caller).</param>
    public static IReadOnlyList<string> For(string sentence, string title, int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        ArgumentNullException.ThrowIfNull(random);
        if (TextUnits.Words(sentence).Length < MinWords) return [];
        var questions = new List<string?> { Label(sentence, title, random), Subject(sentence, random), Fact(sentence), Keywords(sentence, random) }
            .OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return [.. questions.OrderBy(_ => random.Next()).Take(count)];
    }

    /// <summary>"Peak power: 7 kW for 10 seconds" under "Cell 10 Specifications" -> "What is the peak power of the Cell 10 Specifications?"</summary>
    static string? Label(string sentence, string title, Random random)
    {
        var match = LabelValue().Match(sentence);
        if (!match.Success) return null;
        var label = match.Groups[1].Value.Trim();
        string[] forms = ["What is the {0} of the {1}?", "What is the {0}?", "{0} of the {1}?", "Tell me the {0} of the {1}."];
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, forms[random.Next(forms.Length)], Lower(label), title.Trim());
    }

    /// <summary>"The Hub H8 has two MPPT inputs." -> "What does the Hub H8 have?" style questions about the sentence's subject.</summary>
    static string? Subject(string sentence, Random random)
    {
        var match = SubjectVerb().Match(sentence);
        if (!match.Success) return null;
        var subject = match.Groups[1].Value.Trim();
        var verb = match.Groups[2].Value;
        if (TextUnits.Words(subject).Length is < 1 or > 7) return null;
        string[] forms = verb switch
        {
            "is" or "are" => [$"What {verb} {Lower(subject)}?", $"Tell me what {Lower(subject)} {verb}."],
            "has" => [$"What does {Lower(subject)} have?", $"What about {Lower(subject)}?"],
            "have" => [$"What do {Lower(subject)} have?", $"What about {Lower(subject)}?"],
            "uses" => [$"What does {Lower(subject)} use?", $"What about {Lower(subject)}?"],
            "needs" => [$"What does {Lower(subject)} need?", $"What about {Lower(subject)}?"],
            _ => [$"What {verb} {Lower(subject)} do?", $"What about {Lower(subject)}?"], // can, must, should
        };
        return forms[random.Next(forms.Length)];
    }

    /// <summary>"The support line opens at 08:00 on weekdays." -> "The support line opens at what on weekdays?"</summary>
    static string? Fact(string sentence)
    {
        var facts = TextUnits.KeyFacts(sentence);
        if (facts.Count == 0) return null;
        var fact = facts[0];
        var at = sentence.IndexOf(fact, StringComparison.Ordinal);
        if (at < 0) return null;
        var asked = (sentence[..at] + "what" + sentence[(at + fact.Length)..]).TrimEnd('.', '!', ' ');
        return asked + "?";
    }

    /// <summary>"... which words ..." -> "What about winter charging heater?": three to five of the sentence's longer words, in order.</summary>
    static string? Keywords(string sentence, Random random)
    {
        var words = TextUnits.Words(sentence).Where(w => w.Length > 3 && !TextUnits.IsFunctionWord(w)).Distinct(StringComparer.Ordinal).ToList();
        if (words.Count < 3) return null;
        var take = Math.Min(words.Count, random.Next(3, 6));
        var picked = words.OrderBy(_ => random.Next()).Take(take).ToHashSet(StringComparer.Ordinal);
        var phrase = string.Join(' ', words.Where(picked.Contains));
        string[] forms = ["What about {0}?", "Tell me about {0}.", "{0}?", "What do you know about {0}?"];
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, forms[random.Next(forms.Length)], phrase);
    }

    static string Lower(string text) => text.Length > 1 && char.IsUpper(text[0]) && !char.IsUpper(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;

    [GeneratedRegex(@"^([A-Za-z][\w ()/-]{1,40}):\s+\S")]
    private static partial Regex LabelValue();

    [GeneratedRegex(@"^(.+?)\s+(is|are|has|have|can|must|should|uses|needs)\s")]
    private static partial Regex SubjectVerb();
}
