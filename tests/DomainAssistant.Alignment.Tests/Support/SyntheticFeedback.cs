using DomainAssistant.Alignment.Feedback;

namespace DomainAssistant.Alignment.Tests.Support;

/// <summary>
/// Seeded votes by a simulated rater with a hidden rule a tiny model can learn: an answer that cites a chunk ("[1]")
/// is voted up, one that does not is voted down. Each prompt gets one answer of each kind, so pairs form too.
/// </summary>
public static class SyntheticFeedback
{
    static readonly string[] Names = ["Ada", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal"];
    static readonly string[] Things = ["invoice", "refund", "order", "parcel", "warranty"];

    /// <summary>Prompts of the form "Where is the {thing} of {name}?", <paramref name="count"/> distinct ones at most 40.</summary>
    public static IReadOnlyList<string> Prompts(int count) =>
        [.. Names.SelectMany(n => Things.Select(t => $"Where is the {t} of {n}?")).Take(count)];

    /// <summary>Two votes per prompt (cited answer up, uncited answer down), users u0..u4 in turn.</summary>
    public static IReadOnlyList<FeedbackVote> Votes(int prompts, int seed = 5)
    {
        var random = new Random(seed);
        var votes = new List<FeedbackVote>();
        foreach (var prompt in Prompts(prompts))
        {
            var thing = prompt.Split(' ')[3];
            votes.Add(Vote(prompt, $"The {thing} is ready [{random.Next(1, 3)}].", up: true, votes.Count));
            votes.Add(Vote(prompt, $"The {thing} is ready.", up: false, votes.Count));
        }
        return votes;
    }

    public static string Write(string folder, string name, int prompts, int seed = 5)
    {
        var path = Path.Combine(folder, name);
        FeedbackFile.Write(path, Votes(prompts, seed));
        return path;
    }

    static FeedbackVote Vote(string prompt, string response, bool up, int index) =>
        new() { Prompt = prompt, Response = response, IsUp = up, User = $"u{index % 5}", Sequence = index + 1 };
}
