namespace DomainAssistant.Evaluation.Answers;

/// <summary>
/// When an answer counts as a decline (the assistant saying it cannot answer from its documents), in every figure of
/// the service benchmark: the false decline rate on held-out questions, the decline rate on out-of-domain questions
/// and the "false decline" row of the error sources. The rule: after citation markers are removed and whitespace is
/// collapsed, the answer contains, ignoring case,
/// <list type="bullet">
/// <item>the domain's decline (domain.json <c>"decline"</c>, e.g. "I do not know the answer to that. Please call
/// Tidewell support on 0800 555 0142."), or</item>
/// <item>"do not know" or "don't know" (also with a typographic apostrophe).</item>
/// </list>
/// A partial decline ("I do not know the exact price, but ...") therefore counts as a decline: the rule errs towards
/// declines, which makes the false decline rate an upper bound and the out-of-domain decline rate generous.
/// </summary>
public static class Declines
{
    static readonly string[] Phrases = ["do not know", "don't know", "don\u2019t know"];

    /// <summary>Whether <paramref name="answer"/> is a decline by the rule above.</summary>
    /// <param name="answer">The generated answer.</param>
    /// <param name="domainDecline">The domain's decline text; empty or null when the domain names none.</param>
    public static bool IsDecline(string answer, string? domainDecline)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var text = Collapse(KeyFacts.WithoutCitations(answer));
        if (!string.IsNullOrWhiteSpace(domainDecline) && text.Contains(Collapse(domainDecline), StringComparison.OrdinalIgnoreCase)) return true;
        return Phrases.Any(phrase => text.Contains(phrase, StringComparison.OrdinalIgnoreCase));
    }

    static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
