using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Bench.Experiments;

/// <summary>Users arriving at a true treatment share, checked against a 50/50 allocation at fixed user counts.</summary>
static class SampleRatioSimulation
{
    /// <summary>For each checkpoint, the share of experiments flagged (p &lt; 0.001) there.</summary>
    public static double[] FlaggedShare(double trueTreatmentShare, IReadOnlyList<int> checkpoints, int experiments)
    {
        var flagged = new int[checkpoints.Count];
        for (int e = 0; e < experiments; e++)
        {
            var random = new Random(10_000 + e);
            long control = 0, treatment = 0;
            int next = 0;
            for (int user = 1; user <= checkpoints[^1]; user++)
            {
                if (random.NextDouble() < trueTreatmentShare) treatment++; else control++;
                if (user != checkpoints[next]) continue;
                if (SampleRatioMismatch.Check([control, treatment], [50, 50]).Mismatch) flagged[next]++;
                next++;
            }
        }
        return [.. flagged.Select(f => f / (double)experiments)];
    }
}
