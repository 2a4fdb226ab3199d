using DomainAssistant.Alignment.Feedback;

namespace DomainAssistant.Alignment.Preferences;

/// <summary>
/// The votes of a window made fit to learn from: repeats removed, a user's later vote on a message replacing the
/// earlier one, empty answers dropped, each user capped, and (up, down) pairs for prompts with both.
/// </summary>
/// <param name="Votes">Kept votes, in file order.</param>
/// <param name="Pairs">Chosen/rejected pairs of answers to one prompt.</param>
/// <param name="Summary">Counts at each filter, up rate, per-adapter and per-variant split, window.</param>
public sealed record PreferenceSet(IReadOnlyList<FeedbackVote> Votes, IReadOnlyList<PreferencePair> Pairs, PreferenceSummary Summary)
{
    /// <summary>Applies the filters in order: duplicates, empty answers, latest vote wins, per-user cap; then pairs.</summary>
    /// <remarks>
    /// A vote is identified by its feedback id when it has one, else by all it says. "The same message" is the
    /// message id when given, else the same prompt and answer text. Votes without a user count as one unknown user
    /// for replacement (anonymous callers, files from before the host recorded users) but are never capped.
    /// </remarks>
    public static PreferenceSet Build(IReadOnlyList<FeedbackVote> votes, PreferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(votes);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unique = votes.Where(v => seen.Add(v.FeedbackId is { } id ? "id\0" + id : string.Join('\0', "vote", v.User, v.MessageId, v.Prompt, v.Response, v.Rating))).ToList();
        var nonEmpty = unique.Where(v => !string.IsNullOrWhiteSpace(v.Response)).ToList();
        var fileOrder = new Dictionary<FeedbackVote, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < nonEmpty.Count; i++) fileOrder[nonEmpty[i]] = i;
        var latest = nonEmpty.OrderBy(Chronology)
            .GroupBy(v => (v.User ?? "", v.MessageId ?? v.Prompt + "\0" + v.Response))
            .Select(g => g.Last())
            .ToList();
        var capped = latest.Where(v => v.User is null)
            .Concat(latest.Where(v => v.User is not null).GroupBy(v => v.User).SelectMany(g => g.OrderBy(Chronology).TakeLast(options.MaxVotesPerUser)))
            .OrderBy(v => fileOrder[v])
            .ToList();
        var pairs = Pair(capped, options.MaxPairsPerPrompt);
        var summary = Summarise(votes.Count, votes.Count - unique.Count, unique.Count - nonEmpty.Count, nonEmpty.Count - latest.Count, latest.Count - capped.Count, capped, pairs.Count);
        return new PreferenceSet(capped, pairs, summary);
    }

    /// <summary>Ends the run with a clear message, before any model is loaded, when the window is too thin to learn from.</summary>
    /// <exception cref="InvalidDataException">Fewer than <see cref="PreferenceOptions.MinVotes"/> usable votes, or no vote of one kind.</exception>
    public void EnsureEnough(PreferenceOptions options, bool needsBothRatings = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        var s = Summary;
        if (s.Kept < options.MinVotes)
            throw new InvalidDataException($"too few votes to train on: {s.Kept} usable of {s.Read} read ({s.Duplicates} duplicates, {s.EmptyResponses} empty answers, {s.Superseded} replaced by a later vote, {s.OverUserCap} over a user's cap); at least {options.MinVotes} are needed. No model was written.");
        if (needsBothRatings && (s.Up == 0 || s.Down == 0))
            throw new InvalidDataException($"the window holds only {(s.Up == 0 ? "down" : "up")} votes ({s.Kept}); both ratings are needed to learn what to prefer. No model was written.");
    }

    static (DateTimeOffset, long, int) Chronology(FeedbackVote v) => (v.At ?? DateTimeOffset.MinValue, v.Sequence ?? 0, v.Line);

    static List<PreferencePair> Pair(List<FeedbackVote> votes, int maxPerPrompt)
    {
        var pairs = new List<PreferencePair>();
        foreach (var prompt in votes.GroupBy(v => v.Prompt, StringComparer.Ordinal))
        {
            var ups = prompt.Where(v => v.IsUp).Select(v => v.Response).Distinct(StringComparer.Ordinal).ToList();
            var downs = prompt.Where(v => !v.IsUp).Select(v => v.Response).Distinct(StringComparer.Ordinal).ToList();
            pairs.AddRange(ups.SelectMany(_ => downs, (up, down) => (up, down))
                .Where(p => p.up != p.down) // the same answer voted both ways says nothing about which answer is better
                .Take(maxPerPrompt)
                .Select(p => new PreferencePair(prompt.Key, p.up, p.down)));
        }
        return pairs;
    }

    static PreferenceSummary Summarise(int read, int duplicates, int empty, int superseded, int overCap, List<FeedbackVote> kept, int pairs)
    {
        var up = kept.Count(v => v.IsUp);
        return new PreferenceSummary
        {
            Read = read, Duplicates = duplicates, EmptyResponses = empty, Superseded = superseded, OverUserCap = overCap, Kept = kept.Count,
            Up = up, Down = kept.Count - up, UpRate = kept.Count == 0 ? double.NaN : (double)up / kept.Count,
            Prompts = kept.Select(v => v.Prompt).Distinct(StringComparer.Ordinal).Count(), Pairs = pairs,
            Users = kept.Select(v => v.User).OfType<string>().Distinct(StringComparer.Ordinal).Count(),
            ByAdapter = Split(kept, v => v.AdapterChecksum ?? v.Adapter ?? "base"),
            ByVariant = Split(kept, v => v.Variant ?? "none"),
            Window = Window(kept),
        };
    }

    static Dictionary<string, VoteSplit> Split(List<FeedbackVote> votes, Func<FeedbackVote, string> key) =>
        votes.GroupBy(key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new VoteSplit(g.Count(), g.Count(v => v.IsUp), (double)g.Count(v => v.IsUp) / g.Count()), StringComparer.Ordinal);

    static FeedbackWindow Window(List<FeedbackVote> votes)
    {
        var ordered = votes.OrderBy(Chronology).ToList();
        var sequences = votes.Select(v => v.Sequence).OfType<long>().ToList();
        var times = votes.Select(v => v.At).OfType<DateTimeOffset>().ToList();
        return new FeedbackWindow(sequences.Count > 0 ? sequences.Min() : null, sequences.Count > 0 ? sequences.Max() : null,
            times.Count > 0 ? times.Min() : null, times.Count > 0 ? times.Max() : null,
            ordered.FirstOrDefault(v => v.FeedbackId is not null)?.FeedbackId, ordered.LastOrDefault(v => v.FeedbackId is not null)?.FeedbackId);
    }
}
