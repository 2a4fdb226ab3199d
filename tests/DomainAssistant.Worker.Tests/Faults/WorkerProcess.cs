using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DomainAssistant.Worker.Tests.Faults;

/// <summary>
/// The worker as operators run it: <c>dotnet DomainAssistant.Worker.dll</c> in a process of its own (settings as
/// environment variables, <c>Storage__Database</c> for <c>Storage:Database</c>), so a test can kill it as the kernel
/// kills a process (SIGKILL: no shutdown, no acknowledgement, no flush) and start another on the same state. The dll
/// is the one this project's ProjectReference copies beside the tests.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    const string WorkerDll = "DomainAssistant.Worker.dll";

    readonly Process _process;
    readonly ConcurrentQueue<string> _output = new();
    readonly HttpClient _client;

    WorkerProcess(Process process, Uri address)
    {
        _process = process;
        _client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
    }

    /// <summary>What the process printed (its log), stdout and stderr interleaved.</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>Starts a worker over <paramref name="settings"/> and waits until its <c>/health</c> says its bus is connected.</summary>
    public static async Task<WorkerProcess> StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var dll = Path.Combine(AppContext.BaseDirectory, WorkerDll);
        if (!File.Exists(dll))
            throw new FileNotFoundException($"{dll} is missing: build tests/DomainAssistant.Worker.Tests, whose reference to src/DomainAssistant.Worker copies the worker beside the tests.", dll);
        var address = new Uri($"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}");
        // The dotnet that runs the tests (the SDK names it to test hosts), so the worker runs on the same runtime.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet, [dll, "--urls", address.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = new Process { StartInfo = start };
        var worker = new WorkerProcess(process, address);
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) worker._output.Enqueue(line.Data); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) worker._output.Enqueue(line.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await worker.WaitHealthyAsync(timeout);
            return worker;
        }
        catch
        {
            worker.Dispose();
            throw;
        }
    }

    async Task WaitHealthyAsync(TimeSpan timeout)
    {
        for (var deadline = DateTime.UtcNow + timeout; ; await Task.Delay(200))
        {
            if (_process.HasExited) throw new InvalidOperationException($"the worker exited with {_process.ExitCode} before it was healthy:\n{Tail()}");
            try
            {
                using var response = await _client.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // starting slowly
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the worker was not healthy within {timeout}:\n{Tail()}");
        }
    }

    /// <summary>SIGKILL, as the kernel's OOM killer or a lost node ends a process, and waits until it is gone.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    /// <summary>The last lines of <see cref="Output"/>, for a failure's message.</summary>
    public string Tail(int lines = 40) => string.Join('\n', _output.TakeLast(lines));

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
        _client.Dispose();
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
