namespace DomainAssistant.Simulation;

/// <summary>
/// A population of raters that differ as real users do: each user's response rate is drawn around the population's
/// (a Beta distribution with that mean), and every rater disagrees with the hidden rule a fixed share of the time.
/// Seeded: the same settings give the same users and, answer for answer, the same ratings.
/// </summary>
public sealed class UserPopulation
{
    /// <summary>Strength of the Beta distribution of response rates (α + β): lower spreads users further apart.</summary>
    const double Concentration = 4;

    readonly Random _random;

    /// <param name="users">How many users (sticky ids sim-user-0001 ...).</param>
    /// <param name="responseRate">Mean probability that a user rates an answer, in (0, 1].</param>
    /// <param name="disagreement">Probability that a rating contradicts the hidden rule, in [0, 0.5).</param>
    /// <param name="seed">Seeds the users and their ratings.</param>
    public UserPopulation(int users, double responseRate, double disagreement, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(users, 1);
        if (!(responseRate > 0 && responseRate <= 1)) throw new ArgumentOutOfRangeException(nameof(responseRate), responseRate, "the response rate must be in (0, 1]");
        if (!(disagreement >= 0 && disagreement < 0.5)) throw new ArgumentOutOfRangeException(nameof(disagreement), disagreement, "the disagreement must be in [0, 0.5)");
        _random = new Random(seed);
        Disagreement = disagreement;
        Users = [.. Enumerable.Range(1, users).Select(i => new SimulatedUser($"sim-user-{i:D4}", ResponseRate(responseRate)))];
    }

    public IReadOnlyList<SimulatedUser> Users { get; }

    public double Disagreement { get; }

    /// <summary>
    /// The user's rating of an answer: null when they do not rate it (or it has no message to rate), else true for up.
    /// Thread-safe: concurrent users share the population's seeded draws.
    /// </summary>
    public bool? Rate(SimulatedUser user, PreferenceProfile profile, SimulatedQuestion question, ServedAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(answer);
        double rates, flips;
        lock (_random) (rates, flips) = (_random.NextDouble(), _random.NextDouble());
        if (answer.MessageId is null || rates >= user.ResponseRate) return null;
        var likes = profile.Likes(question, answer);
        return flips < Disagreement ? !likes : likes;
    }

    /// <summary>A Beta(mean·c, (1-mean)·c) draw, by the ratio of two Gamma draws.</summary>
    double ResponseRate(double mean)
    {
        if (mean >= 1) return 1;
        var a = Gamma(mean * Concentration);
        var b = Gamma((1 - mean) * Concentration);
        return Math.Clamp(a / (a + b), 1e-3, 1);
    }

    /// <summary>Marsaglia and Tsang's Gamma(shape, 1) draw; shapes below 1 through the boost Gamma(shape + 1)·U^(1/shape).</summary>
    double Gamma(double shape)
    {
        if (shape < 1) return Gamma(shape + 1) * Math.Pow(_random.NextDouble(), 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal();
                v = 1 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            var u = _random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    double Normal() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}
