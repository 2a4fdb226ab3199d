using System.Diagnostics;
using System.Globalization;
using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Bench.Experiments;

/// <summary>
/// `experiments`: simulations of the statistics engine, printed as Markdown tables for bench/RESULTS.md. The
/// statistical simulations are seeded and print the same figures every run; the rollback drill's experiments draw
/// their own assignment seed, as real ones do, so its row moves a little between runs.
/// </summary>
static class ExperimentsBenchmark
{
    const int Experiments = 1000;
    const int LookEvery = 50;
    static readonly double[] Mixtures = [0.05, 0.1];

    public static async Task<int> RunAsync()
    {
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"## Experiments (simulated; {Experiments:N0} experiments per row, seeded)\n");
        Console.WriteLine($"{Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the start.\n");
        Peeking();
        RepeatRaters();
        Power();
        SampleRatio();
        GuardrailNoise();
        await RollbackAsync();
        Console.WriteLine($"Run time: {clock.Elapsed.TotalSeconds:F0} s.");
        return 0;
    }

    static MixtureSequentialTest[] Tests() => [.. Mixtures.Select(tau => new MixtureSequentialTest(tau, 0.05))];

    static string Rate(int hits, int of)
    {
        var interval = WilsonInterval.Of(new Proportion(hits, of));
        return $"{Percent(hits / (double)of)} ({Percent(interval.Low)}-{Percent(interval.High)})";
    }

    static string Percent(double share) => string.Create(CultureInfo.InvariantCulture, $"{share * 100:F1}%");

    static string Count(double value) => double.IsNaN(value) ? "-" : value.ToString("N0", CultureInfo.InvariantCulture);

    static void Peeking()
    {
        const int maxRatings = 10_000;
        var simulation = new PeekingSimulation(0.5, 0.5, maxRatings, LookEvery);
        var outcomes = Enumerable.Range(0, Experiments).AsParallel().Select(e => simulation.Run(Tests(), seed: e, stopWhenAllDecided: false)).ToList();
        var table = new Table("test (A/A: both arms 50% up)", "looks", "false positives (95% Wilson)");
        for (int t = 0; t < Mixtures.Length; t++)
            table.Add($"mSPRT, τ = {Mixtures[t]}, any look", maxRatings / LookEvery, Rate(outcomes.Count(o => o.SequentialAt[t] is not null), Experiments));
        table.Add("fixed-horizon z-test, p < 0.05 at any look", maxRatings / LookEvery, Rate(outcomes.Count(o => o.NaiveEver), Experiments));
        table.Add("fixed-horizon z-test, read once at the end", 1, Rate(outcomes.Count(o => o.NaiveAtEnd), Experiments));
        Console.WriteLine($"### Peeking: A/A experiments, a look after every {LookEvery} ratings up to {maxRatings:N0}\n");
        Console.WriteLine(table);
    }

    static void RepeatRaters()
    {
        const int maxRatings = 10_000, perUser = 5;
        var simulation = new RepeatRatersSimulation(perUser, maxRatings, LookEvery);
        var table = new Table("mSPRT, τ = 0.1, variance from", "first look", "false positives (95% Wilson)");
        foreach (int minimum in new[] { 0, 20, 50, 100 })
        {
            var outcomes = Enumerable.Range(0, Experiments).AsParallel().Select(e => simulation.Run(new MixtureSequentialTest(0.1, 0.05), seed: 500_000 + e, minimum)).ToList();
            if (minimum == 0) table.Add("ratings pooled as independent", "any", Rate(outcomes.Count(o => o.Pooled), Experiments));
            table.Add("users as the units (delta method)", minimum switch { 0 => "any", 50 => "50 users per arm (the analysis's default)", _ => $"{minimum} users per arm" }, Rate(outcomes.Count(o => o.ByUser), Experiments));
        }
        Console.WriteLine($"### Peeking with repeat raters: A/A, {perUser} ratings per user, each user's up-rate drawn uniformly from 0-1, a look every {LookEvery} ratings up to {maxRatings:N0}\n");
        Console.WriteLine(table);
    }

    static void Power()
    {
        const int maxRatings = 20_000;
        var simulation = new PeekingSimulation(0.50, 0.58, maxRatings, LookEvery);
        var outcomes = Enumerable.Range(0, Experiments).AsParallel().Select(e => simulation.Run(Tests(), seed: 1_000_000 + e, stopWhenAllDecided: true)).ToList();
        var table = new Table("test (50% vs 58% up)", "detected", "wrong sign", "ratings needed, median", "p90");
        for (int t = 0; t < Mixtures.Length; t++)
        {
            var at = outcomes.Where(o => o.SequentialAt[t] is not null).Select(o => o.SequentialAt[t]!.Value).ToList();
            table.Add($"mSPRT, τ = {Mixtures[t]}", Rate(at.Count, Experiments), outcomes.Count(o => o.SequentialWorse[t]),
                Count(Quantiles.Of(at, 0.5)), Count(Quantiles.Of(at, 0.9)));
        }
        // The fixed design that reaches 80% power, for scale: n per arm = (z_α/2 + z_β)² (p₁q₁ + p₂q₂) / δ².
        double z = StandardNormal.Quantile(0.975) + StandardNormal.Quantile(0.8);
        double perArm = Math.Ceiling(z * z * (0.5 * 0.5 + 0.58 * 0.42) / (0.08 * 0.08));
        table.Add("fixed horizon planned for 80% power", "80% (by design)", "-", Count(2 * perArm), "(fixed)");
        Console.WriteLine($"### Power: a true +8 point difference, a look every {LookEvery} ratings, stopping at the decision (cap {maxRatings:N0})\n");
        Console.WriteLine(table);
        Console.WriteLine("Wrong sign: detections deciding the treatment is worse (none expected); ratings are both arms together.\n");
    }

    static void SampleRatio()
    {
        int[] checkpoints = [500, 1000, 2000, 5000];
        var broken = SampleRatioSimulation.FlaggedShare(0.55, checkpoints, Experiments);
        var sound = SampleRatioSimulation.FlaggedShare(0.50, checkpoints, Experiments);
        var table = new Table("users", "45/55 split flagged (p < 0.001)", "50/50 split flagged (false alarm)");
        for (int i = 0; i < checkpoints.Length; i++)
            table.Add(checkpoints[i].ToString("N0", CultureInfo.InvariantCulture),
                Rate((int)Math.Round(broken[i] * Experiments), Experiments), Rate((int)Math.Round(sound[i] * Experiments), Experiments));
        Console.WriteLine("### Sample ratio mismatch: a 50/50 allocation whose users arrive 45/55\n");
        Console.WriteLine(table);
    }

    static void GuardrailNoise()
    {
        const int perInterval = 200, intervals = 50;
        var table = new Table("error rate, control vs treatment", "limit", "rolled back within 50 intervals", "intervals to rollback, median", "p90");
        foreach (var (control, treatment, limit) in new[] { (0.01, 0.01, 0.01), (0.01, 0.01, 0.0), (0.01, 0.05, 0.01), (0.01, 0.08, 0.01) })
        {
            var at = GuardrailNoiseSimulation.Run(control, treatment, limit, perInterval, intervals, Experiments);
            var hits = at.Where(a => a is not null).Select(a => a!.Value).ToList();
            table.Add($"{Percent(control)} vs {Percent(treatment)}", $"+{Percent(limit)}", Rate(hits.Count, Experiments),
                Count(Quantiles.Of(hits, 0.5)), Count(Quantiles.Of(hits, 0.9)));
        }
        Console.WriteLine($"### Guardrail: error rate judged every interval of {perInterval} messages (50/50), τ = 0.05\n");
        Console.WriteLine(table);
    }

    static async Task RollbackAsync()
    {
        const int runs = 20, perInterval = 400, onset = 5;
        var folder = Path.Combine(Path.GetTempPath(), "da-bench-experiments-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var simulation = new GuardrailRollbackSimulation(perInterval, onset, maxIntervals: 40, baseErrorRate: 0.01, brokenErrorRate: 0.08);
        var outcomes = new List<GuardrailRollbackSimulation.Outcome>();
        try
        {
            for (int run = 0; run < runs; run++) outcomes.Add(await simulation.RunAsync(folder, seed: run));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        var rolled = outcomes.Where(o => o.RolledBackAt is not null).ToList();
        var afterOnset = rolled.Select(o => o.RolledBackAt!.Value - onset + 1).ToList();
        var table = new Table("runs", "rolled back", "before the onset", "evaluations from onset, median", "max", "treatment share after rollback + one flag refresh", "audit actor");
        table.Add(runs, rolled.Count, rolled.Count(o => o.RolledBackAt < onset), Count(Quantiles.Of(afterOnset, 0.5)),
            Count(afterOnset.Count == 0 ? double.NaN : afterOnset.Max()), rolled.Count == 0 ? "-" : Percent(rolled.Max(o => o.TreatmentShareAfter)),
            string.Join(", ", rolled.Select(o => o.AuditActor).Distinct()));
        Console.WriteLine($"### Rollback drill: SQLite store, guardrail watch every {GuardrailRollbackSimulation.EvaluationInterval.TotalSeconds:F0} s (simulated), " +
            $"FeatureManager on the flags provider ({GuardrailRollbackSimulation.FlagRefresh.TotalSeconds:F0} s refresh); {perInterval} messages per interval, " +
            $"treatment errors 1% then 8% from interval {onset}, error-rate limit +1 point\n");
        Console.WriteLine(table);
        Console.WriteLine("Evaluations from onset: 1 is the evaluation at the end of the first interval with the broken treatment. " +
            "Each rollback happened in the evaluation that first found the breach; the flag share is over 2,000 new users.\n");
    }
}
