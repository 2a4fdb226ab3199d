using DomainAssistant.Simulation;

namespace DomainAssistant.Simulation.Tests;

public sealed class ApiAffinityTests
{
    [Fact]
    public void A_user_always_reaches_the_same_process_and_users_spread_over_both()
    {
        var users = new UserPopulation(60, responseRate: 0.6, disagreement: 0.1, seed: 1).Users;
        var routes = users.Select(u => ApiAffinity.ProcessFor(u.Id, 2)).ToArray();
        Assert.Equal(routes, users.Select(u => ApiAffinity.ProcessFor(u.Id, 2)));
        Assert.All(routes, r => Assert.InRange(r, 0, 1));
        // Both processes serve a fair share: neither is idle while the other takes the whole population.
        Assert.InRange(routes.Count(r => r == 0), 20, 40);
    }

    [Fact]
    public void One_process_serves_everyone_and_the_route_does_not_change_between_runs()
    {
        Assert.All(Enumerable.Range(1, 50), i => Assert.Equal(0, ApiAffinity.ProcessFor($"sim-user-{i:D4}", 1)));
        // FNV-1a of the id, not the process's randomised string hash: the same user takes the same route in every run.
        Assert.Equal((0, 1, 1), (ApiAffinity.ProcessFor("sim-user-0001", 2), ApiAffinity.ProcessFor("sim-user-0002", 2), ApiAffinity.ProcessFor("sim-user-0001", 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ApiAffinity.ProcessFor("sim-user-0001", 0));
    }
}
