using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Bench.Experiments;

/// <summary>
/// A/A experiments where each user rates several messages with a leaning of their own (a propensity drawn uniformly
/// from 0-1, the same distribution in both arms): the ratings of one user are alike, so pooling them as independent
/// understates the variance. Reads the always-valid test both ways at every look.
/// </summary>
sealed class RepeatRatersSimulation(int ratingsPerUser, int maxRatings, int lookEvery)
{
    /// <returns>Whether the test with pooled ratings, and the one with users as units, ever decided.</returns>
    public (bool Pooled, bool ByUser) Run(MixtureSequentialTest test, int seed, int minimumUsers = 0)
    {
        var random = new Random(seed);
        var arms = new Sums[2];
        SequentialEvidence pooled = SequentialEvidence.None, byUser = SequentialEvidence.None;
        for (int rating = ratingsPerUser; rating <= maxRatings; rating += ratingsPerUser)
        {
            int arm = random.NextDouble() < 0.5 ? 0 : 1;
            double leaning = random.NextDouble();
            int up = 0;
            for (int i = 0; i < ratingsPerUser; i++) if (random.NextDouble() < leaning) up++;
            arms[arm] = arms[arm].Add(up, ratingsPerUser);
            if (rating % lookEvery != 0 || Math.Min(arms[0].Users, arms[1].Users) < minimumUsers) continue;
            var control = arms[0].AsUserCounts();
            var treatment = arms[1].AsUserCounts();
            pooled = pooled.After(test.LookAtDifference(control.Pooled, treatment.Pooled));
            byUser = byUser.After(test.LookAtDifference(control, treatment));
        }
        return (pooled.Decision != ExperimentDecision.Inconclusive, byUser.Decision != ExperimentDecision.Inconclusive);
    }

    readonly record struct Sums(long Users, long Up, long Ratings, double UpSquared, double RatingsSquared, double UpTimesRatings)
    {
        public Sums Add(int up, int ratings) =>
            new(Users + 1, Up + up, Ratings + ratings, UpSquared + up * up, RatingsSquared + ratings * ratings, UpTimesRatings + up * ratings);

        public UserCounts AsUserCounts() => new(Users, Up, Ratings, UpSquared, RatingsSquared, UpTimesRatings);
    }
}
