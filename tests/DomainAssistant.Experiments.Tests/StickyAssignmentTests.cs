using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Tests;

public sealed class StickyAssignmentTests
{
    static readonly string[] Users = [.. Enumerable.Range(0, 10_000).Select(i => $"user-{i}")];

    static Experiment At(double percent, string seed = "seed-a") => new("exp_1", "n", "d", null, "rl-2", percent, [], [],
        ExperimentStatus.Running, seed, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, SequentialEvidence.None);

    [Fact]
    public void A_user_keeps_their_percentile_and_experiments_with_other_seeds_split_independently()
    {
        Assert.Equal(StickyAssignment.Percentile("seed-a", "user-1"), StickyAssignment.Percentile("seed-a", "user-1"));
        Assert.All(Users, user => Assert.InRange(StickyAssignment.Percentile("seed-a", user), 0, 100));
        // Independence: of the users in seed A's lower half, about half are in seed B's lower half.
        var lowerA = Users.Where(u => StickyAssignment.Percentile("seed-a", u) < 50).ToList();
        double alsoLowerB = lowerA.Count(u => StickyAssignment.Percentile("seed-b", u) < 50) / (double)lowerA.Count;
        Assert.InRange(alsoLowerB, 0.47, 0.53);
    }

    [Fact]
    public void Ramping_from_10_to_50_percent_keeps_every_treatment_user_in_treatment()
    {
        var at10 = Users.Where(u => StickyAssignment.VariantFor(At(10), u) == ExperimentVariants.Treatment).ToHashSet();
        var at50 = Users.Where(u => StickyAssignment.VariantFor(At(50), u) == ExperimentVariants.Treatment).ToHashSet();

        Assert.Subset(at50, at10);
        // Within 4 standard deviations of a binomial count: √(10,000·0.1·0.9) = 30, √(10,000·0.25) = 50.
        Assert.InRange(at10.Count, 1000 - 120, 1000 + 120);
        Assert.InRange(at50.Count, 5000 - 200, 5000 + 200);
    }

    [Fact]
    public void Zero_and_one_hundred_percent_put_everyone_in_one_arm()
    {
        Assert.All(Users.Take(1000), u => Assert.Equal(ExperimentVariants.Control, StickyAssignment.VariantFor(At(0), u)));
        Assert.All(Users.Take(1000), u => Assert.Equal(ExperimentVariants.Treatment, StickyAssignment.VariantFor(At(100), u)));
    }
}
