using System.Globalization;
using Npgsql;

namespace DomainAssistant.Bench.ScaleOut;

/// <summary>
/// Where the stack's CPU goes over a stretch of work: each host by its pid file (api-1, api-2, worker), the stack's
/// PostgreSQL server with its backends, and the RabbitMQ node (shared with whatever else uses it on this machine).
/// </summary>
public sealed class StackCpu
{
    readonly IReadOnlyDictionary<string, Func<double>> _readers;
    readonly Dictionary<string, double> _start;

    StackCpu(IReadOnlyDictionary<string, Func<double>> readers)
    {
        _readers = readers;
        _start = readers.ToDictionary(r => r.Key, r => r.Value());
    }

    /// <summary>Starts counting now.</summary>
    /// <param name="root">The checkout whose artifacts/scaleout holds the hosts' pid files.</param>
    /// <param name="connectionString">The stack's database, as its superuser (who may read where the server keeps its data).</param>
    public static async Task<StackCpu> StartAsync(string root, string connectionString) => new(await ReadersAsync(root, connectionString));

    /// <summary>CPU seconds since the start, by process name (hosts, "PostgreSQL", "RabbitMQ").</summary>
    public IReadOnlyDictionary<string, double> Seconds() => _readers.ToDictionary(r => r.Key, r => r.Value() - _start[r.Key]);

    /// <summary>The processes found, each with a function giving its CPU seconds so far.</summary>
    public static async Task<IReadOnlyDictionary<string, Func<double>>> ReadersAsync(string root, string connectionString)
    {
        var readers = new Dictionary<string, Func<double>>();
        foreach (var host in new[] { "api-1", "api-2", "worker" })
        {
            var pidFile = Path.Combine(root, "artifacts", "scaleout", host + ".pid");
            if (!File.Exists(pidFile)) continue;
            var pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
            readers[host] = () => ProcessCpu.Seconds(pid);
        }
        if (await PostmasterAsync(connectionString) is { } postmaster) readers["PostgreSQL"] = () => ProcessCpu.TreeSeconds(postmaster);
        if (ProcessCpu.Find("beam.smp") is { } rabbit) readers["RabbitMQ"] = () => ProcessCpu.Seconds(rabbit);
        return readers;
    }

    static async Task<int?> PostmasterAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var show = new NpgsqlCommand("SHOW data_directory", connection);
        var pidFile = Path.Combine((string)(await show.ExecuteScalarAsync())!, "postmaster.pid");
        return File.Exists(pidFile) ? int.Parse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture) : null;
    }
}
