using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Tests.Statistics;

public sealed class UserCountsTests
{
    static UserCounts Of(params (int Up, int Ratings)[] users) => new(users.Length, users.Sum(u => u.Up), users.Sum(u => u.Ratings),
        users.Sum(u => (double)u.Up * u.Up), users.Sum(u => (double)u.Ratings * u.Ratings), users.Sum(u => (double)u.Up * u.Ratings));

    [Fact]
    public void Matches_the_delta_method_worked_by_hand()
    {
        // Users (up, ratings): (1,1) (0,1) (2,3) (3,4); R = 6/9 = 2/3; residuals x - Ry: 1/3, -2/3, 0, 1/3, squares sum 6/9.
        // Var = (6/9) · n / ((n - 1) (Σy)²) = (2/3) · 4 / (3 · 81) = 8/729.
        Assert.Equal(8.0 / 729, Of((1, 1), (0, 1), (2, 3), (3, 4)).Variance, 15);
    }

    [Fact]
    public void With_one_rating_per_user_it_is_the_binomial_variance()
    {
        // 30 up of 100 users: R(1 - R)/(n - 1).
        var users = Enumerable.Range(0, 100).Select(i => (i < 30 ? 1 : 0, 1)).ToArray();
        Assert.Equal(0.3 * 0.7 / 99, Of(users).Variance, 15);
    }

    [Fact]
    public void Users_who_rate_alike_widen_it_and_so_slow_the_sequential_test()
    {
        // Ten users of ten ratings: five always up, five always down. As 100 independent ratings the variance would be
        // 0.25/100; over users each residual is ±5: Σ = 250, Var = 250 · 10 / (9 · 100²) = 0.0278, eleven times more.
        var alike = Of([.. Enumerable.Range(0, 10).Select(i => (i < 5 ? 10 : 0, 10))]);
        Assert.Equal(250.0 * 10 / (9 * 100 * 100), alike.Variance, 15);

        var test = new MixtureSequentialTest();
        var control = Of([.. Enumerable.Range(0, 100).Select(i => (i < 50 ? 1 : 0, 1))]);
        var pooled = test.LookAtDifference(control.Pooled, new Proportion(70, 100));
        var byUser = test.LookAtDifference(control, Of([.. Enumerable.Range(0, 10).Select(i => (i < 7 ? 10 : 0, 10))]));
        Assert.Equal(pooled.Estimate, byUser.Estimate, 12);
        Assert.True(byUser.PValue > pooled.PValue);
    }

    [Fact]
    public void Fewer_than_two_users_give_no_variance_and_the_test_falls_back_to_the_independent_one()
    {
        Assert.Equal(0, Of((3, 4)).Variance);
        var test = new MixtureSequentialTest();
        var control = Of((1, 2));
        var treatment = Of((3, 4));
        Assert.Equal(test.LookAtDifference(control.Pooled, treatment.Pooled), test.LookAtDifference(control, treatment));
    }
}
