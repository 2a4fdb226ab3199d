using DomainAssistant.Simulation;

namespace DomainAssistant.Simulation.Tests;

public sealed class UserPopulationTests
{
    static readonly SimulatedQuestion Question = new("What is the nominal voltage?", "The nominal voltage is 51.2 V.", "0004.md");
    static readonly ServedAnswer Right = new("51.2 V [1]", ["0004.md"], Guid.NewGuid(), null, null);

    [Fact]
    public void Users_are_sticky_and_differ_in_how_often_they_rate()
    {
        var population = new UserPopulation(2000, responseRate: 0.3, disagreement: 0.1, seed: 5);
        var again = new UserPopulation(2000, responseRate: 0.3, disagreement: 0.1, seed: 5);
        Assert.Equal(population.Users, again.Users);
        Assert.Equal("sim-user-0001", population.Users[0].Id);
        var rates = population.Users.Select(u => u.ResponseRate).ToArray();
        Assert.InRange(rates.Average(), 0.28, 0.32);
        var spread = Math.Sqrt(rates.Select(r => (r - rates.Average()) * (r - rates.Average())).Average());
        // Beta(1.2, 2.8) has a standard deviation of 0.205: users really differ, but none rates more than always.
        Assert.InRange(spread, 0.17, 0.24);
        Assert.All(rates, r => Assert.InRange(r, 0.0, 1.0));
    }

    [Fact]
    public void Ratings_follow_the_rule_except_for_the_disagreement_share()
    {
        var population = new UserPopulation(1, responseRate: 1, disagreement: 0.1, seed: 9);
        var profile = new CorrectAndCited();
        var ratings = Enumerable.Range(0, 20_000).Select(_ => population.Rate(population.Users[0], profile, Question, Right)).ToArray();
        Assert.All(ratings, r => Assert.NotNull(r));
        Assert.InRange(ratings.Count(r => r == false) / 20_000.0, 0.09, 0.11);
    }

    [Fact]
    public void Users_rate_only_at_their_response_rate_and_never_an_answer_without_a_message()
    {
        var population = new UserPopulation(1, responseRate: 0.3, disagreement: 0, seed: 3);
        var user = population.Users[0];
        var rated = Enumerable.Range(0, 20_000).Count(_ => population.Rate(user, new CorrectAndCited(), Question, Right) is not null);
        Assert.InRange(rated / 20_000.0, user.ResponseRate - 0.015, user.ResponseRate + 0.015);
        Assert.Null(population.Rate(user with { ResponseRate = 1 }, new CorrectAndCited(), Question, Right with { MessageId = null }));
    }

    [Fact]
    public void Impossible_settings_are_refused_by_name()
    {
        Assert.Equal("responseRate", Assert.Throws<ArgumentOutOfRangeException>(() => new UserPopulation(10, 0, 0.1, 1)).ParamName);
        Assert.Equal("disagreement", Assert.Throws<ArgumentOutOfRangeException>(() => new UserPopulation(10, 0.3, 0.5, 1)).ParamName);
    }
}
