namespace DomainAssistant.Simulation;

/// <summary>What one stretch of simulated traffic saw, for one variant (or all of them).</summary>
/// <param name="Answers">Answers received.</param>
/// <param name="RatingsUp">Thumbs up filed.</param>
/// <param name="RatingsDown">Thumbs down filed.</param>
/// <param name="RuleLiked">Answers the hidden rule likes, before the raters' noise and silence: the truth the loop chases.</param>
/// <param name="Correct">Answers holding the reference's key facts.</param>
/// <param name="Words">Every answer's length in words (for medians).</param>
public sealed record TrafficTally(int Answers, int RatingsUp, int RatingsDown, int RuleLiked, int Correct, IReadOnlyList<int> Words)
{
    public static TrafficTally Empty { get; } = new(0, 0, 0, 0, 0, []);

    /// <summary>Ratings filed, up and down.</summary>
    public int Ratings => RatingsUp + RatingsDown;

    /// <summary>Thumbs-up share of the ratings filed; NaN before any.</summary>
    public double UpRate => Ratings == 0 ? double.NaN : (double)RatingsUp / Ratings;

    /// <summary>Share of answers the hidden rule likes; NaN before any.</summary>
    public double RuleRate => Answers == 0 ? double.NaN : (double)RuleLiked / Answers;

    public double Accuracy => Answers == 0 ? double.NaN : (double)Correct / Answers;

    public double MedianWords => Words.Count == 0 ? double.NaN : Words.Order().ElementAt(Words.Count / 2);

    /// <summary>Both tallies as one (e.g. every variant of a stretch of traffic).</summary>
    public TrafficTally Plus(TrafficTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Answers + other.Answers, RatingsUp + other.RatingsUp, RatingsDown + other.RatingsDown, RuleLiked + other.RuleLiked, Correct + other.Correct,
            [.. Words, .. other.Words]);
    }

    /// <summary>This tally with one more answer.</summary>
    public TrafficTally Add(ServedAnswer answer, bool? rating, bool ruleLikes, bool correct)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return new(Answers + 1, RatingsUp + (rating == true ? 1 : 0), RatingsDown + (rating == false ? 1 : 0), RuleLiked + (ruleLikes ? 1 : 0),
            Correct + (correct ? 1 : 0), [.. Words, answer.Words]);
    }
}
