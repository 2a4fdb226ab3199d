namespace DomainAssistant.Evaluation.Answers;

/// <summary>
/// Whether an answer holds given facts (a safety instruction's phone numbers, say): each fact must appear as a whole
/// token after citation markers are removed, case and runs of whitespace ignored ("0800 555 0199" is not found in
/// "0800 555 01990").
/// </summary>
public static class ExpectedFacts
{
    /// <summary>Whether <paramref name="answer"/> holds every one of <paramref name="facts"/>; true when there are none.</summary>
    public static bool HoldsAll(string answer, IReadOnlyList<string> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var text = Collapse(KeyFacts.WithoutCitations(answer));
        return facts.All(fact => Collapse(fact) is { Length: > 0 } f && KeyFacts.HasToken(text, f));
    }

    static string Collapse(string text) => string.Join(' ', text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
