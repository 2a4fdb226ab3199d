using DomainAssistant.Bench.Service;

namespace DomainAssistant.Bench.ClosedLoop;

/// <summary>The README's host in its own process, with its own data folder: API, jobs and training in one process.</summary>
public sealed class EmbeddedHost : ILoopHosts
{
    readonly HostProcess _host;

    EmbeddedHost(HostProcess host) => _host = host;

    /// <param name="settings">Configuration keys (<c>Alignment:RunAfterFeedbacks</c>, ...), given to the host on its command line.</param>
    public static async Task<EmbeddedHost> StartAsync(IReadOnlyDictionary<string, string> settings) =>
        new(await HostProcess.StartAsync(settings, readyTimeout: TimeSpan.FromMinutes(10)));

    public string Name => LoopOptions.Embedded;

    public IReadOnlyList<Uri> ApiAddresses => [_host.BaseAddress];

    public string DataDirectory => _host.DataDirectory;

    public string Logs => _host.LogPath;

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
