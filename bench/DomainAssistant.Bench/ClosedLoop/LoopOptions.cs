using System.Globalization;
using DomainAssistant.Simulation;

namespace DomainAssistant.Bench.ClosedLoop;

/// <summary>
/// The loop benchmark's arguments (see <see cref="ClosedLoopBenchmark"/>). <c>Stack</c> is <see cref="Embedded"/> (the
/// README's one host) or <see cref="ScaleOut"/> (infra/scaleout.sh: two API processes, a worker, RabbitMQ, PostgreSQL);
/// with <c>KillWorkerMidRound</c> (scale-out only) each round's alignment run loses its worker (SIGKILL) once it wrote a
/// checkpoint, and a worker is started again.
/// </summary>
public sealed record LoopOptions(string Profile, int Rounds, string Stack, bool Json, string Domain, int Users, double ResponseRate, double Disagreement,
    int Concurrency, int FeedbacksPerRound, int ExperimentAnswers, int FinalAnswers, int Seed, double RunTimeoutMinutes, IReadOnlyDictionary<string, string> Settings,
    bool KillWorkerMidRound = false)
{
    public const string Embedded = "embedded";
    public const string ScaleOut = "scaleout";

    /// <exception cref="ArgumentException">An unknown or malformed argument, named.</exception>
    public static LoopOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var (json, killWorker) = (false, false);
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--json") { json = true; continue; }
            if (args[i] == "--kill-worker-mid-round") { killWorker = true; continue; }
            if (i + 1 >= args.Count) throw new ArgumentException($"{args[i]} needs a value");
            var value = args[++i];
            if (args[i - 1] == "--setting")
            {
                var at = value.IndexOf('=', StringComparison.Ordinal);
                if (at <= 0) throw new ArgumentException($"--setting takes KEY=VALUE, not '{value}'");
                settings[value[..at]] = value[(at + 1)..];
                continue;
            }
            if (args[i - 1] is not ("--profile" or "--rounds" or "--stack" or "--domain" or "--users" or "--response-rate" or "--disagreement" or "--concurrency"
                or "--feedbacks-per-round" or "--experiment-answers" or "--final-answers" or "--seed" or "--run-timeout-minutes"))
                throw new ArgumentException($"unknown argument '{args[i - 1]}' for the loop benchmark");
            values[args[i - 1]] = value;
        }
        if (!values.TryGetValue("--profile", out var profile)) throw new ArgumentException($"--profile is required: one of {string.Join(", ", PreferenceProfiles.Names)}");
        var stack = values.GetValueOrDefault("--stack", Embedded);
        if (stack is not (Embedded or ScaleOut)) throw new ArgumentException($"--stack must be {Embedded} or {ScaleOut}, not '{stack}'");
        // The embedded host trains in its own process: killing it ends the loop, not a worker.
        if (killWorker && stack != ScaleOut) throw new ArgumentException($"--kill-worker-mid-round needs --stack {ScaleOut}: only the scale-out stack has a worker of its own");
        int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        double Real(string name, double fallback) => values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new LoopOptions(profile, Int("--rounds", 1), stack, json, values.GetValueOrDefault("--domain", "tidewell-support"), Int("--users", 200),
            Real("--response-rate", 0.3), Real("--disagreement", 0.1), Int("--concurrency", 4), Int("--feedbacks-per-round", 200), Int("--experiment-answers", 3000),
            Int("--final-answers", 600), Int("--seed", 1), Real("--run-timeout-minutes", 120), settings, killWorker);
    }
}
