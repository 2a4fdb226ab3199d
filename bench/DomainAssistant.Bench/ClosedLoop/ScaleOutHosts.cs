using System.Diagnostics;
using System.Globalization;
using DomainAssistant.Bench.ScaleOut;
using DomainAssistant.Bench.Service;
using Npgsql;

namespace DomainAssistant.Bench.ClosedLoop;

/// <summary>
/// infra/scaleout.sh's stack for one loop: two API processes and one worker over RabbitMQ and PostgreSQL, each thing
/// of its own (free loopback ports, a fresh database on this checkout's PostgreSQL server, a fresh virtual host on the
/// RabbitMQ node, a temporary data directory), so it never meets another checkout's stack or an earlier loop's queues
/// and feedback. The loop's settings reach all three hosts as environment variables (<c>A:B</c> as <c>A__B</c>), as
/// the script passes any ASP.NET setting. Disposing stops the three hosts only (<c>scaleout.sh stop-hosts</c>:
/// <c>stop</c> would also shut down the RabbitMQ node other checkouts use), then drops the virtual host and the database.
/// </summary>
public sealed class ScaleOutHosts : ILoopHosts
{
    readonly string _root;
    readonly IReadOnlyDictionary<string, string> _environment;
    readonly string _database;
    readonly string _virtualHost;

    ScaleOutHosts(string root, IReadOnlyDictionary<string, string> environment, IReadOnlyList<Uri> apis, string data, string database, string virtualHost)
    {
        _root = root;
        _environment = environment;
        ApiAddresses = apis;
        DataDirectory = data;
        _database = database;
        _virtualHost = virtualHost;
    }

    /// <param name="settings">Configuration keys (<c>Alignment:RunAfterFeedbacks</c>, ...) for all three hosts.</param>
    /// <exception cref="InvalidOperationException">The script failed to start the stack (its output went to stderr).</exception>
    public static async Task<ScaleOutHosts> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var root = SampleDomain.RepositoryRoot();
        var ports = DistinctFreePorts(3);
        var name = string.Create(CultureInfo.InvariantCulture, $"loop_{DateTime.UtcNow:yyyyMMddHHmmss}_{Environment.ProcessId}");
        var data = Directory.CreateTempSubdirectory("da-loop-scaleout-").FullName;
        var environment = settings.ToDictionary(kv => kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value, StringComparer.Ordinal);
        environment["SCALEOUT_API_PORTS"] = string.Create(CultureInfo.InvariantCulture, $"{ports[0]} {ports[1]}");
        environment["SCALEOUT_WORKER_PORT"] = ports[2].ToString(CultureInfo.InvariantCulture);
        environment["SCALEOUT_DATA"] = data;
        environment["SCALEOUT_DATABASE"] = name;
        environment["SCALEOUT_VHOST"] = name.Replace('_', '-');
        var apis = ports.Take(2).Select(port => new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"))).ToList();
        var hosts = new ScaleOutHosts(root, environment, apis, data, name, environment["SCALEOUT_VHOST"]);
        try
        {
            await hosts.ScriptAsync("start");
            return hosts;
        }
        catch
        {
            await hosts.DisposeAsync();
            throw;
        }
    }

    public string Name => LoopOptions.ScaleOut;

    public IReadOnlyList<Uri> ApiAddresses { get; }

    public string DataDirectory { get; }

    public string Logs => Path.Combine(_root, "artifacts", "scaleout");

    /// <summary>Kills the worker with SIGKILL (as the OOM killer or a lost node would), and waits until it is gone.</summary>
    public async Task KillWorkerAsync()
    {
        var pid = int.Parse(File.ReadAllText(Path.Combine(Logs, "worker.pid")).Trim(), CultureInfo.InvariantCulture);
        using var worker = Process.GetProcessById(pid);
        worker.Kill(); // SIGKILL on Linux: no graceful stop, nothing acknowledged on the way out.
        await worker.WaitForExitAsync();
    }

    /// <summary>Starts a worker again (<c>scaleout.sh start-worker</c>, the same settings) and waits until it answers /health.</summary>
    public Task StartWorkerAsync() => ScriptAsync("start-worker");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ScriptAsync("stop-hosts");
        }
        finally
        {
            await ForgetAsync();
        }
    }

    /// <summary>Drops what the stack made for this loop alone: the virtual host, the database and the data directory.</summary>
    async Task ForgetAsync()
    {
        // Only this loop's virtual host: the node itself, which other checkouts use, runs on.
        await CommandAsync("rabbitmqctl", ["-n", "rabbit@localhost", "-q", "delete_vhost", _virtualHost]);
        if (TestServerFiles.PostgresAdminConnection(_root) is { } admin)
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            // The name is the harness's own (letters, digits, underscores): nothing to quote.
#pragma warning disable CA2100
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
#pragma warning restore CA2100
            await drop.ExecuteNonQueryAsync();
        }
        Directory.Delete(DataDirectory, recursive: true);
    }

    /// <summary>Runs infra/scaleout.sh with the stack's environment.</summary>
    Task ScriptAsync(string command) => CommandAsync("bash", [Path.Combine(_root, "infra", "scaleout.sh"), command]);

    /// <summary>
    /// Runs a command in the checkout with the stack's environment; what it prints goes to stderr, since the benchmark's
    /// stdout must end with its JSON line (and the stack is stopped after that line is written).
    /// </summary>
    /// <exception cref="InvalidOperationException">It exited with an error.</exception>
    async Task CommandAsync(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { WorkingDirectory = _root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in _environment) start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        process.OutputDataReceived += (_, e) => Echo(e.Data);
        process.ErrorDataReceived += (_, e) => Echo(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode} (the hosts' logs are in {Logs})");

        static void Echo(string? line)
        {
            if (line is not null) Console.Error.WriteLine($"loop: {line}");
        }
    }

    static int[] DistinctFreePorts(int count)
    {
        var ports = new HashSet<int>();
        while (ports.Count < count) ports.Add(HostProcess.FreeLoopbackPort());
        return [.. ports];
    }
}
