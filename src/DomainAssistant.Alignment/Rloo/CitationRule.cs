using System.Text.RegularExpressions;

namespace DomainAssistant.Alignment.Rloo;

/// <summary>
/// A rule term added to the reward model's score: −<see cref="Penalty"/> for every citation marker "[n]" in an answer
/// that names no chunk of its prompt (n below 1 or above the number of chunks given). The host turns "[n]" into a
/// link to the n-th retrieved chunk, so such a marker is a citation to nothing, which a reward model trained on few
/// votes may not have learned to punish.
/// </summary>
/// <param name="Penalty">Reward taken per dangling marker (0 turns the rule off).</param>
public sealed partial record CitationRule(double Penalty)
{
    /// <summary>The rule term of <paramref name="answer"/> for a prompt that placed <paramref name="chunks"/> chunks.</summary>
    public double Score(string answer, int chunks)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (Penalty == 0) return 0;
        var dangling = Marker().Matches(answer).Count(m => !int.TryParse(m.Groups[1].ValueSpan, out var n) || n < 1 || n > chunks);
        return -Penalty * dangling;
    }

    [GeneratedRegex(@"\[(\d{1,4})\]")]
    private static partial Regex Marker();
}
