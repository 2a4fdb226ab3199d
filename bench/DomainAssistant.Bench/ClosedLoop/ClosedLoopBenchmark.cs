using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DomainAssistant.Bench.Service;
using DomainAssistant.Experiments.Statistics;
using DomainAssistant.Grounding;
using DomainAssistant.Simulation;

namespace DomainAssistant.Bench.ClosedLoop;

/// <summary>
/// The closed loop, unattended (issue 19): starts the README's host in its own process, or the scale-out stack (two
/// API processes, a worker, RabbitMQ, PostgreSQL: <see cref="ScaleOutHosts"/>), lets simulated users ask and
/// rate through the real HTTP API, and only watches while the product runs the loop with its own triggers (an
/// alignment run after <c>Alignment:RunAfterFeedbacks</c> filed feedbacks, its gate, the experiment a passing adapter
/// gets, the experiment's decision). Each round waits for the next run the product starts; traffic pauses while a run
/// trains (on two cores it would only slow both). At the end, fresh traffic on whatever is in production is compared
/// with the first round's traffic on the round-0 adapter: the lift. On the scale-out stack,
/// <c>--kill-worker-mid-round</c> kills the worker while each round's run trains (<see cref="WorkerKill"/>).
/// <code>loop --profile NAME [--rounds 1] [--stack embedded|scaleout] [--kill-worker-mid-round] [--json] [--domain tidewell-support] [--users 200]
///      [--response-rate 0.3] [--disagreement 0.1] [--concurrency 4] [--feedbacks-per-round 200]
///      [--experiment-answers 3000] [--final-answers 600] [--seed 1] [--setting KEY=VALUE]...</code>
/// </summary>
public static class ClosedLoopBenchmark
{
    const string OperatorKey = "loop-operator-key-0123456789";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var options = LoopOptions.Parse(args);
        var domain = DomainFile.Read(Path.Combine(SampleDomain.RepositoryRoot(), "domains", options.Domain));
        var profile = PreferenceProfiles.Find(options.Profile, domain.Decline);
        var pool = QuestionPool.For(domain, perSentence: 1, options.Seed);
        var population = new UserPopulation(options.Users, options.ResponseRate, options.Disagreement, options.Seed);
        Console.Error.WriteLine($"loop: {profile.Name} ({profile.Description}); {population.Users.Count} users, {pool.Questions.Count} questions " +
                                $"({pool.HeldOutSkipped} left out by the held-out guard); {options.Rounds} round(s) on the {options.Stack} stack");

        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Auth:Keys:0:Name"] = "loop-operator", ["Auth:Keys:0:Key"] = OperatorKey, ["Auth:Keys:0:Role"] = "operator",
            ["Alignment:RunAfterFeedbacks"] = options.FeedbacksPerRound.ToString(CultureInfo.InvariantCulture),
            ["RateLimits:ChatStreamsPerUser"] = "1000", ["RateLimits:UserBurst"] = "1000000", ["RateLimits:UserPerMinute"] = "1000000",
            ["RateLimits:ClientBurst"] = "1000000", ["RateLimits:ClientPerMinute"] = "1000000",
        };
        foreach (var (key, value) in options.Settings) settings[key] = value;
        await using ILoopHosts hosts = options.Stack == LoopOptions.ScaleOut
            ? await ScaleOutHosts.StartAsync(settings)
            : await EmbeddedHost.StartAsync(settings);
        Console.Error.WriteLine($"loop: {hosts.Name} stack ready, API at {string.Join(", ", hosts.ApiAddresses)} (logs {hosts.Logs})");
        var apis = hosts.ApiAddresses
            .Select(address => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) })
            .ToList();
        try
        {
            return await LoopAsync(options, domain.Name, profile, hosts, apis, new SimulatedTraffic([.. apis.Select(http => new AssistantClient(http, domain.Name))],
                population, pool, profile, options.Seed));
        }
        finally
        {
            foreach (var http in apis) http.Dispose();
        }
    }

    static async Task<int> LoopAsync(LoopOptions options, string domain, PreferenceProfile profile, ILoopHosts hosts, List<HttpClient> apis, SimulatedTraffic traffic)
    {
        // Any API process answers for the whole stack: the records they read are shared (PostgreSQL on the scale-out stack).
        var operators = new OperatorClient(apis[0], OperatorKey);
        var rounds = new List<LoopRound>();
        var before = new List<RoundTraffic>();
        var kills = new List<WorkerKill>();
        TrafficTally? first = null;
        for (var round = 1; round <= options.Rounds; round++)
        {
            var (record, roundZero, kill) = await RoundAsync(round, options, domain, hosts, operators, traffic);
            first ??= roundZero;
            rounds.Add(record);
            before.Add(new RoundTraffic(round, roundZero.UpRate, roundZero.RuleRate));
            Console.Error.WriteLine($"loop: round {round}: {JsonSerializer.Serialize(record)}");
            if (kill is not null)
            {
                kills.Add(kill);
                Console.Error.WriteLine($"loop: round {round}: worker kill: {kill.Outcome}");
            }
        }

        traffic.Reset();
        Console.Error.WriteLine($"loop: {options.FinalAnswers} answers of fresh traffic on the production adapter");
        await traffic.RunAsync(options.FinalAnswers, options.Concurrency);
        var final = Merge(traffic.Tallies.Values);
        var (lift, interval) = first is { } baseline && baseline.Ratings > 0 && final.Ratings > 0
            ? ProportionDifference.Of(new Proportion(baseline.RatingsUp, baseline.Ratings), new Proportion(final.RatingsUp, final.Ratings))
            : (double.NaN, new ConfidenceInterval(double.NaN, double.NaN));
        var outcome = new LoopOutcome(rounds, Finite(lift), Finite(interval.Low), Finite(interval.High), rounds.Any(LoopOutcome.Promoted));

        var tables = Print(outcome, first, final, traffic, kills);
        var (markdown, html) = ClosedLoopReport.Write(Path.Combine(SampleDomain.RepositoryRoot(), "bench", "results"),
            $"Closed loop: {profile.Name}, {options.Rounds} round(s), {domain}, {hosts.Name} stack", outcome, before, tables);
        Console.Error.WriteLine($"loop: report {markdown} and {html}");
        if (options.Json) Console.WriteLine(JsonSerializer.Serialize(outcome));
        return 0;
    }

    /// <summary>
    /// One round: traffic until the product starts an alignment run, the run to its end (traffic paused), then, when
    /// the product starts an experiment for the new adapter, traffic until the experiment decides or the cap.
    /// </summary>
    /// <returns>The round, its traffic before the run, and the worker kill when <see cref="LoopOptions.KillWorkerMidRound"/> asked for one.</returns>
    static async Task<(LoopRound Round, TrafficTally BeforeRun, WorkerKill? Kill)> RoundAsync(int round, LoopOptions options, string domain, ILoopHosts hosts,
        OperatorClient operators, SimulatedTraffic traffic)
    {
        var known = (await operators.AlignmentRunsAsync(domain, CancellationToken.None)).Select(r => r.GetProperty("jobId").GetGuid()).ToHashSet();
        traffic.Reset();
        var clock = Stopwatch.StartNew();
        JsonElement? run = null;
        // Enough traffic for the trigger at the population's mean response rate, three times over, before giving up.
        var cap = (int)Math.Ceiling(3 * options.FeedbacksPerRound / options.ResponseRate);
        for (var asked = 0; asked < cap && run is null; asked += 20)
        {
            await traffic.RunAsync(20, options.Concurrency);
            run = (await operators.AlignmentRunsAsync(domain, CancellationToken.None)).Cast<JsonElement?>()
                .FirstOrDefault(r => !known.Contains(r!.Value.GetProperty("jobId").GetGuid()));
        }
        var beforeRun = Merge(traffic.Tallies.Values);
        var trafficMinutes = clock.Elapsed.TotalMinutes;
        var feedbacks = beforeRun.Ratings;
        if (run is null)
            return (new LoopRound(round, feedbacks, null, null, null, "no run", $"no alignment run started after {cap} answers", null, null, null, null, null,
                new StageMinutes(trafficMinutes, 0, 0, 0, 0)), beforeRun, null);

        var jobId = run.Value.GetProperty("jobId").GetGuid();
        Console.Error.WriteLine($"loop: round {round}: alignment run {jobId} started after {beforeRun.Answers} answers and {feedbacks} ratings");
        var runFolder = RunFiles.Folder(hosts.DataDirectory, domain, jobId);
        var kill = options.KillWorkerMidRound && hosts is ScaleOutHosts scaleOut
            ? await WorkerKill.InjectAsync(round, scaleOut, operators, domain, jobId, TimeSpan.FromMinutes(options.RunTimeoutMinutes))
            : null;
        var finished = await WaitForRunAsync(operators, domain, jobId, TimeSpan.FromMinutes(options.RunTimeoutMinutes));
        var state = finished.GetProperty("state").GetString()!;
        kill = kill?.Ended(state, RunFiles.Adapter(runFolder));
        var verdict = finished.TryGetProperty("verdict", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : $"none ({state})";
        if (finished.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
            Console.Error.WriteLine($"loop: round {round}: alignment run {jobId} {state}: {error.GetString()}");
        var record = RunFiles.Record(runFolder);
        double Seconds(string stage) => record?.TryGetProperty("seconds", out var s) == true && s.TryGetProperty(stage, out var value) ? value.GetDouble() : 0;
        double? Figure(string name) => record?.TryGetProperty(name, out var x) == true && x.ValueKind == JsonValueKind.Number ? x.GetDouble() : null;
        var auc = record?.TryGetProperty("reward_model", out var rm) == true && rm.ValueKind == JsonValueKind.Object
            && rm.GetProperty("heldout_auc") is { ValueKind: JsonValueKind.Number } aucValue ? aucValue.GetDouble() : (double?)null;
        var sha = finished.TryGetProperty("adapterSha256", out var shaValue) && shaValue.ValueKind == JsonValueKind.String ? shaValue.GetString() : null;
        // A failing gate names its metrics in run.json ("key_fact_accuracy: 0.02 < baseline 0.05 - 0.02"): the report says which.
        var failedMetrics = record?.TryGetProperty("failed_metrics", out var f) == true && f.ValueKind == JsonValueKind.Array
            ? f.EnumerateArray().Select(m => m.GetString() ?? "").ToList()
            : [];
        foreach (var failedMetric in failedMetrics) Console.Error.WriteLine($"loop: round {round}: gate failed on {failedMetric}");
        var gateOutcome = failedMetrics.Count == 0 ? verdict : $"{verdict}: {string.Join(", ", failedMetrics.Select(m => m.Split(':')[0]))}";
        var (decision, control, treatment, low, high, experimentMinutes) = verdict == "pass" && sha is not null
            ? await ExperimentAsync(options, operators, traffic, sha)
            : ($"none (gate {gateOutcome})", null, null, null, null, 0.0);
        // Read after the experiment: the product registers a passing adapter (with its verdicts) as it starts the experiment.
        var accuracy = sha is null ? null : await HeldOutAccuracyAsync(operators, sha);
        return (new LoopRound(round, feedbacks, auc, finished.GetProperty("method").GetString(), Figure("kl"), verdict, decision, control, treatment, low, high, accuracy,
            new StageMinutes(trafficMinutes, Seconds("reward_model") / 60, (Seconds("export") + Seconds("policy")) / 60, Seconds("gate") / 60, experimentMinutes)), beforeRun,
            kill);
    }

    static async Task<JsonElement> WaitForRunAsync(OperatorClient operators, string domain, Guid jobId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var run = (await operators.AlignmentRunsAsync(domain, CancellationToken.None)).First(r => r.GetProperty("jobId").GetGuid() == jobId);
            if (run.GetProperty("state").GetString() is "succeeded" or "failed") return run;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"alignment run {jobId} did not finish within {timeout.TotalMinutes} minutes: {run}");
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>The adapter's key-fact accuracy on the gate suite's held-out questions, from its newest verdict.</summary>
    static async Task<double?> HeldOutAccuracyAsync(OperatorClient operators, string sha)
    {
        var adapter = (await operators.AdaptersAsync(CancellationToken.None)).Cast<JsonElement?>().FirstOrDefault(a => a!.Value.GetProperty("sha256").GetString() == sha);
        if (adapter is null || adapter.Value.GetProperty("verdicts").GetArrayLength() == 0) return null;
        var metric = adapter.Value.GetProperty("verdicts")[0].GetProperty("metrics").EnumerateArray().Cast<JsonElement?>()
            .FirstOrDefault(m => m!.Value.GetProperty("name").GetString() == "key_fact_accuracy");
        return metric?.GetProperty("candidate") is { ValueKind: JsonValueKind.Number } value ? value.GetDouble() : null;
    }

    /// <summary>Traffic while the experiment the product started for <paramref name="sha"/> runs, until it is decided or the cap.</summary>
    static async Task<(string Decision, double? Control, double? Treatment, double? Low, double? High, double Minutes)> ExperimentAsync(LoopOptions options,
        OperatorClient operators, SimulatedTraffic traffic, string sha)
    {
        var clock = Stopwatch.StartNew();
        string? id = null;
        for (var wait = 0; wait < 60 && id is null; wait++)
        {
            foreach (var summary in await operators.ExperimentsAsync(CancellationToken.None))
            {
                var candidate = summary.GetProperty("id").GetString()!;
                var shown = await operators.ExperimentAsync(candidate, CancellationToken.None);
                if (shown.GetProperty("variants").EnumerateArray().Any(v => v.GetProperty("name").GetString() == "treatment"
                        && v.TryGetProperty("adapterSha256", out var s) && s.GetString() == sha))
                    id = candidate;
            }
            if (id is null) await Task.Delay(TimeSpan.FromSeconds(1));
        }
        if (id is null) return ("none (the product started no experiment for the adapter)", null, null, null, null, clock.Elapsed.TotalMinutes);
        Console.Error.WriteLine($"loop: experiment {id} runs; traffic until it decides (at most {options.ExperimentAnswers} answers)");
        var view = await operators.ExperimentAsync(id, CancellationToken.None);
        for (var asked = 0; asked < options.ExperimentAnswers && view.GetProperty("status").GetString() is "running" or "paused"; asked += 50)
        {
            await traffic.RunAsync(50, options.Concurrency);
            view = await operators.ExperimentAsync(id, CancellationToken.None);
        }
        double? UpRate(string variant) => view.GetProperty("variants").EnumerateArray().Where(v => v.GetProperty("name").GetString() == variant)
            .Select(v => v.GetProperty("upRate")).Where(r => r.ValueKind == JsonValueKind.Number).Select(r => (double?)r.GetDouble()).FirstOrDefault();
        var difference = view.GetProperty("difference");
        double? Bound(string name) => difference.GetProperty(name) is { ValueKind: JsonValueKind.Number } b ? b.GetDouble() : null;
        var status = view.GetProperty("status").GetString()!;
        return ($"{status} ({difference.GetProperty("decision").GetString()})", UpRate("control"), UpRate("treatment"), Bound("ciLow"), Bound("ciHigh"),
            clock.Elapsed.TotalMinutes);
    }

    static TrafficTally Merge(IEnumerable<TrafficTally> tallies) => tallies.Aggregate(TrafficTally.Empty, (a, b) => a.Plus(b));

    static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <returns>What it printed, for the report.</returns>
    static string Print(LoopOutcome outcome, TrafficTally? first, TrafficTally final, SimulatedTraffic traffic, List<WorkerKill> kills)
    {
        static string F(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "-";
        var table = new Table("round", "feedbacks", "rm held-out AUC", "method", "KL", "gate", "held-out accuracy", "experiment", "up control", "up treatment",
            "diff 95% CI", "min traffic", "min RM", "min policy", "min gate", "min experiment");
        foreach (var r in outcome.Rounds)
            table.Add(r.Round, r.Feedbacks, F(r.RewardModelHeldOutAuc), r.Method ?? "-", F(r.Kl), r.Gate, F(r.HeldOutAccuracy), r.ExperimentDecision, F(r.UpRateControl),
                F(r.UpRateTreatment), r.DifferenceLow is null ? "-" : $"[{F(r.DifferenceLow)}, {F(r.DifferenceHigh)}]", F(r.Minutes.Traffic), F(r.Minutes.RewardModel),
                F(r.Minutes.Policy), F(r.Minutes.Gate), F(r.Minutes.Experiment));
        var summary = new Table("traffic", "answers", "ratings", "up rate", "hidden-rule rate", "key-fact accuracy", "median words");
        foreach (var (name, tally) in new[] { ("round 0 (before the first run)", first ?? TrafficTally.Empty), ("production at the end", final) })
            summary.Add(name, tally.Answers, tally.Ratings, F(Finite(tally.UpRate)), F(Finite(tally.RuleRate)), F(Finite(tally.Accuracy)), F(Finite(tally.MedianWords)));
        var text = $"{table}\n{summary}\nLift in thumbs-up rate, production at the end over round 0: {F(outcome.Lift)} (95% CI {F(outcome.LiftLow)} to {F(outcome.LiftHigh)}): {outcome.LiftMeaning}; " +
                   $"{traffic.ErrorCount} failed requests{(traffic.Errors.Count > 0 ? $", first: {traffic.Errors[0]}" : "")}.";
        if (kills.Count > 0)
        {
            var killed = new Table("round", "worker killed at policy step", "s until a worker was back", "run resumed (lineage)", "what happened");
            foreach (var k in kills)
                killed.Add(k.Round, k.Step is null ? "-" : $"{k.Step} of {k.TotalSteps}", F(k.RestartSeconds), k.Resumed switch { true => "yes", false => "NO", null => "-" }, k.Outcome);
            text += $"\n\n{killed}";
        }
        Console.WriteLine(text);
        return text;
    }
}
