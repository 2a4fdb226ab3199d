using System.Text.RegularExpressions;

namespace DomainAssistant.Grounding;

/// <summary>
/// The answer a domain gives when its context does not hold the answer, for domains whose domain.json names none:
/// built from the system prompt's own instruction ("If the context does not contain the answer, say you do not know
/// and suggest calling support on 0800 555 0142"), keeping the phone number it names.
/// </summary>
public static partial class DeclineText
{
    /// <summary>The decline for <paramref name="systemPrompt"/>: "I do not know ..." plus the support number when the prompt's decline instruction gives one.</summary>
    public static string From(string systemPrompt)
    {
        ArgumentNullException.ThrowIfNull(systemPrompt);
        var instruction = Sentence().Matches(systemPrompt).Select(m => m.Value).FirstOrDefault(s => NotKnow().IsMatch(s));
        var number = instruction is null ? null : PhoneNumber().Match(instruction) is { Success: true } m ? m.Value.Trim() : null;
        return number is null
            ? "I do not know the answer from the documents I have."
            : $"I do not know the answer from the documents I have. Please call support on {number}.";
    }

    [GeneratedRegex(@"[^.!?]+[.!?]?")]
    private static partial Regex Sentence();

    [GeneratedRegex(@"\b(do not|don't|does not|doesn't) (know|contain)", RegexOptions.IgnoreCase)]
    private static partial Regex NotKnow();

    /// <summary>Six or more digits in groups separated by single spaces or dashes ("0800 555 0142", "+44 20 7946 0958").</summary>
    [GeneratedRegex(@"\+?\d{2,}(?:[ -]\d{2,}){1,4}")]
    private static partial Regex PhoneNumber();
}
