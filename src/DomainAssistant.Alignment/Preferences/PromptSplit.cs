using DomainAssistant.Alignment.Feedback;
using DomainAssistant.Training.Data;

namespace DomainAssistant.Alignment.Preferences;

/// <summary>
/// Holds out a seeded share of the prompts with every vote and pair on them, so no held-out answer shares a prompt
/// with a training answer (a split by vote would let the model score a held-out answer by remembering its prompt).
/// </summary>
public static class PromptSplit
{
    public static (PreferenceSet Train, PreferenceSet HeldOut) Split(PreferenceSet set, double heldOutShare, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(set);
        var prompts = set.Votes.Select(v => v.Prompt).Distinct(StringComparer.Ordinal).ToList();
        if (prompts.Count < 2) throw new InvalidDataException($"the feedback has {prompts.Count} distinct prompt(s); holding out by prompt needs at least 2 (or pass a held-out file).");
        new DataRandom(seed ^ 0x4E1DUL).Shuffle(prompts);
        var count = Math.Clamp((int)Math.Round(prompts.Count * heldOutShare), 1, prompts.Count - 1);
        var held = prompts.Take(count).ToHashSet(StringComparer.Ordinal);
        return (Subset(set, p => !held.Contains(p)), Subset(set, held.Contains));
    }

    static PreferenceSet Subset(PreferenceSet set, Func<string, bool> keep)
    {
        List<FeedbackVote> votes = [.. set.Votes.Where(v => keep(v.Prompt))];
        return set with { Votes = votes, Pairs = [.. set.Pairs.Where(p => keep(p.Prompt))] };
    }
}
