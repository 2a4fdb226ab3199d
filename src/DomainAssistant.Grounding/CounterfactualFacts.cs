using System.Text;
using System.Text.RegularExpressions;
using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Grounding;

/// <summary>
/// Makes the prompt the only source of an answer's facts: every number or code of the answer (<see cref="TextUnits.KeyFacts"/>)
/// is replaced, wherever it stands as a whole token in the conversation (context, questions, answers), by another
/// value of the same shape (each digit another digit, letters and separators kept). A model that memorised the
/// corpus then gets the fact wrong by recalling it and right only by copying it from the context; the conversation
/// stays coherent because one mapping applies everywhere. Whole tokens only (<see cref="TextUnits.Run"/>): "10" is not
/// matched inside "10.2" or "SM-10". After Longpre et al. 2021 (entity-based knowledge
/// conflicts): substituted contexts teach a reader to trust its context over its memory.
/// </summary>
public static class CounterfactualFacts
{
    /// <summary>The conversation with the facts of <paramref name="answer"/> replaced; unchanged when the answer has none.</summary>
    /// <param name="messages">The whole conversation.</param>
    /// <param name="answer">The answer whose facts change.</param>
    /// <param name="random">Draws the new values.</param>
    /// <param name="keepFactsOf">Text whose facts stay as they are everywhere: the domain's own words (its system prompt,
    /// decline and safety instruction), which no context can contradict; see <see cref="DomainText"/>.</param>
    public static IReadOnlyList<ChatMessage> Apply(IReadOnlyList<ChatMessage> messages, string answer, Random random, string keepFactsOf = "")
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(random);
        var kept = TextUnits.KeyFacts(keepFactsOf ?? "").ToHashSet(StringComparer.Ordinal);
        var facts = TextUnits.KeyFacts(answer ?? "").Where(f => !kept.Contains(f)).ToList();
        if (facts.Count == 0) return messages;
        var mapping = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var fact in facts)
        {
            var replacement = Reshape(fact, random);
            for (var tries = 0; tries < 8 && (replacement == fact || mapping.ContainsValue(replacement)); tries++) replacement = Reshape(fact, random);
            mapping[fact] = replacement;
        }
        return [.. messages.Select(m => new ChatMessage(m.Role, TextUnits.Run().Replace(m.Content,
            match => !IsCitationMarker(m.Content, match) && mapping.TryGetValue(match.Value, out var to) ? to : match.Value)))];
    }

    /// <summary>What a domain says in every conversation: its system prompt, decline and safety instruction.</summary>
    public static string DomainText(DomainProfile domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return string.Join('\n', domain.SystemPrompt, domain.Decline, domain.Safety?.Instruction ?? "");
    }

    /// <summary>"[1]" numbers a context chunk or cites it: it is the prompt's layout, not a fact, even when the answer holds a 1.</summary>
    static bool IsCitationMarker(string text, Match match) =>
        match.Index > 0 && text[match.Index - 1] == '[' && match.Index + match.Length < text.Length && text[match.Index + match.Length] == ']';

    /// <summary>Same length and layout: digits drawn anew (a leading digit stays zero or non-zero as it was), everything else kept.</summary>
    static string Reshape(string fact, Random random)
    {
        var shaped = new StringBuilder(fact.Length);
        for (var i = 0; i < fact.Length; i++)
        {
            var c = fact[i];
            var leading = i == 0 || !char.IsAsciiDigit(fact[i - 1]);
            if (!char.IsAsciiDigit(c) || (leading && c == '0')) shaped.Append(c); // "09:00" and "0800" keep their leading zero
            else if (leading) shaped.Append((char)('1' + random.Next(9)));
            else shaped.Append((char)('0' + random.Next(10)));
        }
        return shaped.ToString();
    }
}
