using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// The real host (src/DomainAssistant.Api, built beside the benchmark) in its own process, on a free loopback port,
/// with its own data folder: started with configuration given as command-line keys, ready once <c>/health</c>
/// answers 200, stopped with SIGTERM (graceful shutdown) and killed only if it does not exit.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly DirectoryInfo _dataDirectory;
    readonly StreamWriter _log;
    bool _closed;

    HostProcess(Process process, DirectoryInfo dataDirectory, StreamWriter log, Uri baseAddress)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        _log = log;
        BaseAddress = baseAddress;
    }

    /// <summary>The host's process id (its memory is read from /proc).</summary>
    public int ProcessId => _process.Id;

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseAddress { get; }

    /// <summary>The host's <c>Storage:DataDirectory</c> (a temporary folder, deleted when the host is disposed).</summary>
    public string DataDirectory => _dataDirectory.FullName;

    /// <summary>The host's console output (its log), kept in its data folder while it runs.</summary>
    public string LogPath => Path.Combine(_dataDirectory.FullName, "host.log");

    /// <summary>Starts the host with <paramref name="settings"/> (configuration keys such as <c>Model:Path</c>) and waits until it is ready.</summary>
    /// <exception cref="InvalidOperationException">The host exited, or was not ready within <paramref name="readyTimeout"/>; the message holds its last log lines.</exception>
    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan readyTimeout)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var assembly = HostAssembly();
        var dataDirectory = Directory.CreateTempSubdirectory("da-bench-host-");
        var baseAddress = new Uri($"http://127.0.0.1:{FreeLoopbackPort()}/");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = SampleDomain.RepositoryRoot(), // the host finds the sample domains/ from here
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add($"--urls={baseAddress.ToString().TrimEnd('/')}");
        start.ArgumentList.Add($"--Storage:DataDirectory={dataDirectory.FullName}");
        foreach (var (key, value) in settings) start.ArgumentList.Add($"--{key}={value}");

        var log = new StreamWriter(Path.Combine(dataDirectory.FullName, "host.log")) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start dotnet {assembly}");
        var host = new HostProcess(process, dataDirectory, log, baseAddress);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.WaitUntilReadyAsync(readyTimeout);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the host exited with code {_process.ExitCode} before it was ready:\n{LogTail()}");
            try
            {
                using var response = await http.GetAsync(new Uri("health", UriKind.Relative));
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(500);
        }
        throw new InvalidOperationException($"the host was not ready within {timeout.TotalSeconds:0} s:\n{LogTail()}");
    }

    /// <summary>The last lines the host wrote.</summary>
    public string LogTail(int lines = 30)
    {
        lock (_log)
        {
            _log.Flush();
            using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
        lock (_log)
        {
            _closed = true;
            _log.Dispose();
        }
        _dataDirectory.Delete(recursive: true);
    }

    void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            if (!_closed) _log.WriteLine(line);
        }
    }

    /// <summary>The host's assembly, built with the benchmark (the project reference in DomainAssistant.Bench.csproj).</summary>
    static string HostAssembly()
    {
        var path = typeof(HostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "ApiHostAssembly")?.Value;
        if (path is null || !File.Exists(path))
            throw new FileNotFoundException($"the host's build output {path ?? "(unknown)"} is missing; build bench/DomainAssistant.Bench (it builds the host too).", path);
        return Path.GetFullPath(path);
    }

    /// <summary>A port the system just handed out for loopback; free again once the probe closes (the host takes it right after).</summary>
    public static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
