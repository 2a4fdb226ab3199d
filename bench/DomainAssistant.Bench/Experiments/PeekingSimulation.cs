using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Bench.Experiments;

/// <summary>
/// Experiments on simulated thumbs: each rating goes to control or treatment with equal chance and is up with that
/// arm's rate; every <c>lookEvery</c> ratings the tests are read, as an operator refreshing the page would.
/// </summary>
sealed class PeekingSimulation(double controlRate, double treatmentRate, int maxRatings, int lookEvery)
{
    /// <summary>What one experiment showed.</summary>
    /// <param name="SequentialAt">Per mixture: total ratings at the first look whose evidence excluded zero; null = never.</param>
    /// <param name="SequentialWorse">Per mixture: that first decision said the treatment is worse.</param>
    /// <param name="NaiveEver">The fixed-horizon z-test had p &lt; 0.05 at some look.</param>
    /// <param name="NaiveAtEnd">The fixed-horizon z-test had p &lt; 0.05 at the last look (its one valid reading).</param>
    public sealed record Outcome(int?[] SequentialAt, bool[] SequentialWorse, bool NaiveEver, bool NaiveAtEnd);

    /// <param name="tests">The always-valid tests to read at each look (one per mixture).</param>
    /// <param name="seed">Seed of this experiment's draws.</param>
    /// <param name="stopWhenAllDecided">Stop once every sequential test has decided (the power runs).</param>
    public Outcome Run(IReadOnlyList<MixtureSequentialTest> tests, int seed, bool stopWhenAllDecided)
    {
        var random = new Random(seed);
        long controlUp = 0, controlN = 0, treatmentUp = 0, treatmentN = 0;
        var evidence = Enumerable.Repeat(SequentialEvidence.None, tests.Count).ToArray();
        var decidedAt = new int?[tests.Count];
        var worse = new bool[tests.Count];
        bool naiveEver = false, naiveLast = false;
        for (int rating = 1; rating <= maxRatings; rating++)
        {
            if (random.NextDouble() < 0.5) { controlN++; if (random.NextDouble() < controlRate) controlUp++; }
            else { treatmentN++; if (random.NextDouble() < treatmentRate) treatmentUp++; }
            if (rating % lookEvery != 0) continue;

            var control = new Proportion(controlUp, controlN);
            var treatment = new Proportion(treatmentUp, treatmentN);
            for (int t = 0; t < tests.Count; t++)
            {
                evidence[t] = evidence[t].After(tests[t].LookAtDifference(control, treatment));
                if (decidedAt[t] is not null || evidence[t].Decision == ExperimentDecision.Inconclusive) continue;
                decidedAt[t] = rating;
                worse[t] = evidence[t].Decision == ExperimentDecision.TreatmentWorse;
            }
            naiveLast = FixedHorizonTest.PValue(control, treatment) < 0.05;
            naiveEver |= naiveLast;
            if (stopWhenAllDecided && decidedAt.All(d => d is not null)) break;
        }
        return new Outcome(decidedAt, worse, naiveEver, naiveLast);
    }
}
