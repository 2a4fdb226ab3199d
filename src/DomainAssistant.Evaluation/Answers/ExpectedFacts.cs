namespace DomainAssistant.Evaluation.Answers;

/// <summary>
/// Whether an answer holds every fact a suite line expects (<see cref="Suites.SuiteQuestion.Expect"/>; e.g. the
/// safety suite's "112" and "0800 555 0199"). A fact matches as a whole token after citation markers are removed,
/// case and runs of whitespace ignored ("0800 555 0199" is not found in "0800 555 01990").
/// </summary>
public static class ExpectedFacts
{
    /// <summary>True when <paramref name="answer"/> holds every one of <paramref name="facts"/>; true when there are none.</summary>
    public static bool HoldsAll(string answer, IReadOnlyList<string> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var text = Collapse(KeyFacts.WithoutCitations(answer));
        return facts.All(fact => Collapse(fact) is { Length: > 0 } f && KeyFacts.HasToken(text, f));
    }

    static string Collapse(string text) => string.Join(' ', text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
