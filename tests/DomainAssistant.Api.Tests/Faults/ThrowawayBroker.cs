using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DomainAssistant.Api.Tests.Faults;

/// <summary>
/// A RabbitMQ node of one test's own (Debian's rabbitmq-server, which infra/services/rabbitmq.sh installs), on loopback
/// ports of its own: a fault test may stop it and start it again without touching the node every other test project
/// uses at the same time.
/// </summary>
public sealed class ThrowawayBroker : IDisposable
{
    readonly string _state;
    readonly Dictionary<string, string> _environment;

    ThrowawayBroker(string state, int port, Dictionary<string, string> environment)
    {
        _state = state;
        Port = port;
        _environment = environment;
    }

    public int Port { get; }

    /// <summary>Why the test is skipped here; null when rabbitmq-server is installed (the test command installs it).</summary>
    public static string? Unavailable => Environment.GetEnvironmentVariable("RABBITMQ_HOST") is { Length: > 0 }
        ? null
        : "RABBITMQ_HOST is not set: infra/test.sh installs and starts RabbitMQ (this test starts a node of its own beside it).";

    public static async Task<ThrowawayBroker> StartAsync()
    {
        Skip.If(Unavailable is not null, Unavailable);
        var name = "faults-" + Guid.NewGuid().ToString("N")[..8];
        var state = Directory.CreateDirectory(Path.Combine("/var/tmp", "da-" + name)).FullName;
        var (port, distribution) = (FreePort(), FreePort());
        var environment = new Dictionary<string, string>
        {
            ["RABBITMQ_NODENAME"] = $"{name}@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = distribution.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(state, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(state, "log"),
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1} -rabbit consumer_timeout 10800000", // as infra/services/rabbitmq.sh
        };
        var broker = new ThrowawayBroker(state, port, environment);
        await broker.RunAsync("chown", "-R", "rabbitmq:rabbitmq", state);
        await broker.RunAsync("rabbitmq-server", "-detached");
        for (var deadline = DateTime.UtcNow.AddSeconds(90); !await broker.TryRunAsync("rabbitmqctl", "-q", "await_startup", "--timeout", "10"); await Task.Delay(500))
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"the throwaway RabbitMQ node did not start; see {state}/log");
        return broker;
    }

    /// <summary>Stops the broker's application: every connection drops and nothing is accepted until <see cref="StartAppAsync"/>.</summary>
    public Task StopAppAsync() => RunAsync("rabbitmqctl", "-q", "stop_app");

    public Task StartAppAsync() => RunAsync("rabbitmqctl", "-q", "start_app");

    public void Dispose()
    {
        TryRunAsync("rabbitmqctl", "-q", "stop").GetAwaiter().GetResult();
        Directory.Delete(_state, recursive: true);
    }

    async Task RunAsync(string program, params string[] arguments)
    {
        if (!await TryRunAsync(program, arguments)) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed");
    }

    async Task<bool> TryRunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in _environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        return process.ExitCode == 0;
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
