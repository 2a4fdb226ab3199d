using System.Diagnostics;
using System.Globalization;
using DomainAssistant.Simulation;

namespace DomainAssistant.Bench.ScaleOut;

/// <summary>
/// `bench -- scaleout [--fault none|rabbitmq-restart|postgres-restart|worker-kill] [--feedbacks 10000] [--concurrency 128] [--warmup 60000] [--api URL,URL]
/// [--postgres CONNECTION] [--domain NAME]`: against the stack infra/scaleout.sh started, feedbacks posted to both API
/// processes at once are counted in the shared database as they are filed, after a warm-up that is not measured (rounds
/// until the filing rate settles, at most <c>--warmup</c> feedbacks; 0 skips it); a fault, when named, is injected a third of the way in (RabbitMQ or PostgreSQL stopped
/// for 5 s and started again, or the worker killed with SIGKILL and started again). Posts refused while a server is down (503) count as refused, not lost: lost is accepted and never filed.
/// Prints sent, accepted, filed, lost and duplicated, and the rates. With <c>--chat-minutes M [--streams 32]</c> it runs
/// chat load instead: that many streams over the API processes for M minutes, with time to first token, tokens/s, errors
/// and each host's memory. With <c>--drain N</c> it times the worker alone: N feedbacks queued while it is paused, then
/// filed (<see cref="QueueDrain"/>), of a domain without a gate suite (<c>--drain-domain</c>, default drain-bench) so the
/// alignment runs its feedback triggers fail at once instead of training beside the drain; <c>--vhost</c> names the stack's RabbitMQ virtual host (default SCALEOUT_VHOST, else "/").
/// </summary>
public static class ScaleOutBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options(args);
        var root = RepositoryRoot();
        var apis = options["api"].Split(',').Select(url => new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(2) }).ToList();
        var feedbacks = int.Parse(options["feedbacks"], CultureInfo.InvariantCulture);
        var concurrency = int.Parse(options["concurrency"], CultureInfo.InvariantCulture);
        var fault = options["fault"];
        if (options.TryGetValue("chat-minutes", out var minutes))
            return await ChatAsync(root, apis, options["domain"], int.Parse(options["streams"], CultureInfo.InvariantCulture),
                TimeSpan.FromMinutes(double.Parse(minutes, CultureInfo.InvariantCulture)));
        var database = options.TryGetValue("postgres", out var connection) ? connection : StackDatabase(root);
        var filed = new FiledFeedback(database);
        if (options.TryGetValue("drain", out var drain))
            return await DrainAsync(root, options, filed, database, int.Parse(drain, CultureInfo.InvariantCulture));

        var (answer, error) = await new AssistantClient(apis[0], options["domain"]).ChatAsync(new SimulatedUser("scaleout-bench", 1), "How do I reset my router?", CancellationToken.None);
        if (answer?.MessageId is not { } messageId)
        {
            Console.Error.WriteLine($"error: the stack did not answer a chat ({error}); start it with infra/scaleout.sh start");
            return 1;
        }

        var deadline = TimeSpan.FromSeconds(double.Parse(options["timeout"], CultureInfo.InvariantCulture));
        var warmup = int.Parse(options["warmup"], CultureInfo.InvariantCulture);
        if (warmup > 0) await WarmUpAsync(apis, messageId, filed, warmup, concurrency, deadline);

        var baseline = await filed.LastSequenceAsync();
        var cpu = await StackCpu.StartAsync(root, database);
        Task? injected = null;
        var faultAt = feedbacks / 3;
        var sent = await FeedbackFlood.PostAsync(apis, messageId, feedbacks, concurrency, accepted =>
        {
            if (fault != "none" && accepted >= faultAt && injected is null)
                lock (apis) injected ??= Task.Run(() => Inject(root, fault));
            return Task.CompletedTask;
        });
        var clock = Stopwatch.StartNew();
        if (injected is not null) await injected;
        // A PostgreSQL restart ended the connections pooled before it (the run's first sequence was read on one).
        if (fault == "postgres-restart") Npgsql.NpgsqlConnection.ClearAllPools();

        // Rows after the run's first sequence while filing goes on (cheap), then the accepted ids themselves (exact).
        while (await filed.CountAfterAsync(baseline) < sent.Accepted.Count && clock.Elapsed < deadline) await Task.Delay(200);
        (long Rows, long Distinct) count;
        while ((count = await filed.CountAsync(sent.Accepted)).Distinct < sent.Accepted.Count && clock.Elapsed < deadline) await Task.Delay(200);
        var allFiled = sent.Elapsed + clock.Elapsed;
        var used = cpu.Seconds();
        await Task.Delay(3000); // a second filing of any feedback would show up here
        count = await filed.CountAsync(sent.Accepted);
        var pending = await filed.PendingAsync(sent.Accepted);

        var table = new Table("fault", "sent", "accepted", "refused", "filed", "lost", "duplicated", "still pending", "posted/s", "filed/s", "s to all filed",
            "CPU s per 1,000 filed: APIs / worker / PostgreSQL / RabbitMQ");
        table.Add(fault, feedbacks, sent.Accepted.Count, sent.Refused.Count == 0 ? "0" : string.Join(" ", sent.Refused.Select(r => $"{r.Key}:{r.Value}")),
            count.Distinct, sent.Accepted.Count - count.Distinct, count.Rows - count.Distinct, pending,
            (sent.Accepted.Count / sent.Elapsed.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture),
            (count.Distinct / allFiled.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture),
            allFiled.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture),
            // A host restarted by the fault has a new process: its CPU is not comparable, so none is shown.
            fault != "none" || count.Distinct == 0 ? "-" : string.Join(" / ", new[]
            {
                used.GetValueOrDefault("api-1") + used.GetValueOrDefault("api-2"), used.GetValueOrDefault("worker"),
                used.GetValueOrDefault("PostgreSQL"), used.GetValueOrDefault("RabbitMQ"),
            }.Select(seconds => (seconds / count.Distinct * 1000).ToString("F2", CultureInfo.InvariantCulture))));
        Console.WriteLine($"### Feedback through {apis.Count} API processes, RabbitMQ and the worker into PostgreSQL ({concurrency} posts at once)\n");
        Console.WriteLine(table);
        return sent.Accepted.Count - count.Distinct == 0 && count.Rows == count.Distinct ? 0 : 2;
    }

    /// <summary>
    /// Rounds of <see cref="WarmUpRound"/> feedbacks, posted and filed but not measured, until a round after the first
    /// <see cref="WarmUpRounds"/> files no faster than 5% above the fastest before it, or <paramref name="most"/> were posted: a new stack's first feedbacks run through
    /// the JIT's first tiers, new pools and statements not yet prepared, which slows the first tens of thousands
    /// (bench/RESULTS.md, "Scale-out on a 2-core Intel Xeon").
    /// </summary>
    static async Task WarmUpAsync(List<HttpClient> apis, Guid messageId, FiledFeedback filed, int most, int concurrency, TimeSpan deadline)
    {
        var rates = new List<double>();
        for (var posted = 0; posted < most; posted += WarmUpRound)
        {
            var before = await filed.LastSequenceAsync();
            var round = await FeedbackFlood.PostAsync(apis, messageId, Math.Min(WarmUpRound, most - posted), concurrency);
            var waiting = Stopwatch.StartNew();
            while (await filed.CountAfterAsync(before) < round.Accepted.Count && waiting.Elapsed < deadline) await Task.Delay(100);
            rates.Add(round.Accepted.Count / (round.Elapsed + waiting.Elapsed).TotalSeconds);
            // Settled once a round is no faster than the fastest before it, within noise, after the first rounds: early
            // rounds' rates rise and fall, so two alike may both be slow ones (bench/RESULTS.md, "Scale-out on a 2-core Intel Xeon").
            if (rates.Count >= WarmUpRounds && rates[^1] <= 1.05 * rates.SkipLast(1).Max()) break;
        }
        Console.WriteLine($"warm-up (not measured): {rates.Count} rounds of up to {WarmUpRound} feedbacks, filed/s "
            + string.Join(", ", rates.Select(r => r.ToString("F0", CultureInfo.InvariantCulture))));
    }

    const int WarmUpRound = 5000;

    const int WarmUpRounds = 4;

    static async Task<int> DrainAsync(string root, Dictionary<string, string> options, FiledFeedback filed, string connection, int count)
    {
        var worker = int.Parse(File.ReadAllText(Path.Combine(root, "artifacts", "scaleout", "worker.pid")).Trim(), CultureInfo.InvariantCulture);
        var broker = StackBroker(root, options.TryGetValue("vhost", out var vhost) ? vhost : Environment.GetEnvironmentVariable("SCALEOUT_VHOST") ?? "/");
        var servers = (await StackCpu.ReadersAsync(root, connection)).Where(r => Servers.Contains(r.Key)).ToDictionary();
        var run = await QueueDrain.RunAsync(worker, broker, filed, options["drain-domain"], count,
            TimeSpan.FromSeconds(double.Parse(options["timeout"], CultureInfo.InvariantCulture)), servers);
        var table = new Table("queued", "published/s", "filed", "lost", "duplicated", "s to file all", "filed/s", "worker CPU s", "worker CPU s per 1,000 filed",
            "PostgreSQL / RabbitMQ CPU s per 1,000", "load average (start / end)");
        table.Add(run.Queued, run.Queued / run.PublishSeconds, run.Filed, run.Queued - run.Filed, run.Rows - run.Filed, run.Seconds, run.FiledPerSecond,
            run.WorkerCpuSeconds, run.CpuSecondsPer1000,
            string.Join(" / ", Servers.Select(name => run.ServerCpuSeconds.TryGetValue(name, out var s)
                ? (s / run.Filed * 1000).ToString("F2", CultureInfo.InvariantCulture) : "?")),
            $"{run.Load.Start:F1} / {run.Load.End:F1}");
        Console.WriteLine($"### The worker draining {count} queued feedbacks into PostgreSQL (paused while they were queued)\n");
        Console.WriteLine(table);
        return run.Queued == run.Filed && run.Rows == run.Filed ? 0 : 2;
    }

    // The broker infra/services/rabbitmq.sh started, at the stack's virtual host.
    static Uri StackBroker(string root, string vhost)
    {
        var settings = File.ReadAllLines(Path.Combine(root, "artifacts", "services", "rabbitmq.env"))
            .Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1]);
        var path = vhost == "/" ? "" : Uri.EscapeDataString(vhost);
        return new Uri($"rabbitmq://{settings["RABBITMQ_HOST"]}:{settings["RABBITMQ_PORT"]}/{path}");
    }

    static readonly string[] Servers = ["PostgreSQL", "RabbitMQ"];

    static readonly string[] StackHosts = ["api-1", "api-2", "worker"];

    static async Task<int> ChatAsync(string root, List<HttpClient> apis, string domainName, int streams, TimeSpan duration)
    {
        var domain = DomainAssistant.Bench.Service.SampleDomain.Load(domainName);
        var run = await ChatStreams.RunAsync(apis, domain, streams, duration);
        var hosts = StackHosts
            .Select(name => (name, path: Path.Combine(root, "artifacts", "scaleout", name + ".pid")))
            .Where(h => File.Exists(h.path))
            .Select(h => (h.name, memory: DomainAssistant.Bench.Service.ProcessMemory.MiB(int.Parse(File.ReadAllText(h.path).Trim(), CultureInfo.InvariantCulture))))
            .ToList();
        var table = new Table("streams", "minutes", "answered", "errors", "error rate", "TTFT p50 ms", "TTFT p95 ms", "TTFT p99 ms", "tokens/s",
            "memory MiB (resident / peak)");
        table.Add(streams, duration.TotalMinutes, run.Answered, run.Errors, run.ErrorRate.ToString("P1", CultureInfo.InvariantCulture),
            DomainAssistant.Bench.Service.Percentile.Of(run.FirstTokenMs, 50), DomainAssistant.Bench.Service.Percentile.Of(run.FirstTokenMs, 95),
            DomainAssistant.Bench.Service.Percentile.Of(run.FirstTokenMs, 99), run.TokensPerSecond.ToString("F0", CultureInfo.InvariantCulture),
            string.Join("; ", hosts.Select(h => $"{h.name} {h.memory.Resident:F0} / {h.memory.Peak:F0}")));
        Console.WriteLine($"### Chat: {streams} streams over {apis.Count} API processes for {duration.TotalMinutes:F0} minutes ({domain.Name}, held-out questions)\n");
        Console.WriteLine(table);
        if (run.FirstError is not null) Console.WriteLine($"first error: {run.FirstError}\n");
        return run.Errors == 0 ? 0 : 2;
    }

    static async Task Inject(string root, string fault)
    {
        switch (fault)
        {
            case "rabbitmq-restart":
                await Shell(root, "infra/services/rabbitmq.sh stop");
                await Task.Delay(TimeSpan.FromSeconds(5));
                await Shell(root, "infra/services/rabbitmq.sh start");
                break;
            case "postgres-restart":
                // The stack's database survives (the script drops only its per-run test database).
                await Shell(root, "infra/services/postgres.sh stop");
                await Task.Delay(TimeSpan.FromSeconds(5));
                await Shell(root, "infra/services/postgres.sh start");
                break;
            case "worker-kill":
                var pid = File.ReadAllText(Path.Combine(root, "artifacts", "scaleout", "worker.pid")).Trim();
                await Shell(root, $"kill -9 {pid}");
                await Task.Delay(TimeSpan.FromSeconds(3));
                await Shell(root, "infra/scaleout.sh start-worker");
                break;
            default:
                throw new ArgumentException($"--fault must be none, rabbitmq-restart, postgres-restart or worker-kill, not '{fault}'");
        }
    }

    static async Task Shell(string root, string command)
    {
        Console.Error.WriteLine($"fault: {command}");
        var start = new ProcessStartInfo("bash", ["-c", command]) { WorkingDirectory = root };
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"'{command}' exited with {process.ExitCode}");
    }

    static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>
        {
            ["api"] = "http://127.0.0.1:5080,http://127.0.0.1:5081", ["feedbacks"] = "10000", ["concurrency"] = "128", ["warmup"] = "60000",
            ["fault"] = "none", ["domain"] = "tidewell-support",
            // No gate suite: the alignment runs the trigger starts for it fail at once, so no training shares the drain's CPU.
            ["drain-domain"] = "drain-bench", ["timeout"] = "180", ["streams"] = "32",
        };
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"expected --option value, got '{args[i]}'");
            options[args[i][2..]] = args[i + 1];
        }
        return options;
    }

    // The database infra/scaleout.sh made on the test server: SCALEOUT_DATABASE, as the script reads it, else its default.
    static string StackDatabase(string root)
    {
        var admin = TestServerFiles.PostgresAdminConnection(root)
            ?? throw new InvalidOperationException("no PostgreSQL connection in artifacts/services/postgres.env: start the stack with infra/scaleout.sh start, or pass --postgres");
        var name = Environment.GetEnvironmentVariable("SCALEOUT_DATABASE") is { Length: > 0 } set ? set : "domainassistant";
        return admin.Replace("Database=postgres", $"Database={name}", StringComparison.Ordinal);
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "infra", "scaleout.sh"))) return dir.FullName;
        throw new InvalidOperationException("run from inside the repository: infra/scaleout.sh was not found above the current folder");
    }
}
