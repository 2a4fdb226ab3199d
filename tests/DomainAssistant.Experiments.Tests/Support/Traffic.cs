namespace DomainAssistant.Experiments.Tests.Support;

/// <summary>Simulated users of an experiment: one message each, assigned as the flag would, with chosen outcome rates.</summary>
public static class Traffic
{
    /// <summary>
    /// Every other user to each arm. The sticky hash is seeded per experiment with a fresh random seed, so tests that
    /// assert a decision assign this way and get the same outcomes, and the same decision, in every run.
    /// </summary>
    public static string Alternating(int user, string _) => user % 2 == 0 ? ExperimentVariants.Control : ExperimentVariants.Treatment;

    /// <param name="files">The store and records written to.</param>
    /// <param name="experiment">The experiment served.</param>
    /// <param name="users">How many users, one message and one rating each.</param>
    /// <param name="seed">Seed of the outcomes' random draws.</param>
    /// <param name="upRate">Chance a rating is up, per variant.</param>
    /// <param name="errorRate">Chance a message fails, per variant.</param>
    /// <param name="variantOf">Who gets which variant; by default the sticky assignment.</param>
    /// <param name="firstUser">Number of the first user: later calls serve new users from where earlier ones stopped.</param>
    public static async Task ServeAsync(ExperimentFiles files, Experiment experiment, int users, int seed,
        Func<string, double> upRate, Func<string, double>? errorRate = null, Func<int, string, string>? variantOf = null, int firstUser = 0)
    {
        var random = new Random(seed);
        var exposures = new List<Exposure>();
        var ratings = new List<Rating>();
        var now = files.Clock.GetUtcNow();
        for (int i = firstUser; i < firstUser + users; i++)
        {
            string user = $"{experiment.Id}-user-{i}";
            string variant = variantOf?.Invoke(i, user) ?? StickyAssignment.VariantFor(experiment, user);
            string message = $"{user}-m";
            exposures.Add(new Exposure(experiment.Id, message, user, variant, now, 100 + random.Next(100),
                Failed: random.NextDouble() < (errorRate?.Invoke(variant) ?? 0)));
            ratings.Add(new Rating(experiment.Id, message, random.NextDouble() < upRate(variant), now));
        }
        await files.Records.RecordExposuresAsync(exposures);
        await files.Records.RecordRatingsAsync(ratings);
    }
}
