namespace DomainAssistant.Simulation;

/// <summary>
/// Which of several API processes serves a simulated user, as a load balancer with session affinity would send them:
/// always the same one for the same user (so a user's rating reaches the process that answered, and a process's
/// traffic mixes both endpoints), users spread about evenly. Hashed with FNV-1a, not <see cref="string.GetHashCode()"/>,
/// so the same population takes the same routes in every run.
/// </summary>
public static class ApiAffinity
{
    /// <summary>The index, from 0 to <paramref name="processes"/> - 1, of the process that serves <paramref name="userId"/>.</summary>
    public static int ProcessFor(string userId, int processes)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentOutOfRangeException.ThrowIfLessThan(processes, 1);
        var hash = 2166136261u;
        foreach (var c in userId)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return (int)(hash % (uint)processes);
    }
}
