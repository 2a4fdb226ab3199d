using DomainAssistant.ServiceDefaults;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// At start, before any upload can begin, removes the staging folders (<c>.staging-*</c>) of uploads that a crash or a
/// kill cut off: they never became a version, and nothing else would ever remove them. Each one is logged.
/// </summary>
public sealed partial class CorpusStagingCleanup(StorageOptions storage, ILogger<CorpusStagingCleanup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var domains = Path.Combine(storage.DataDirectory, "domains");
        if (!Directory.Exists(domains)) return Task.CompletedTask;
        foreach (var corpora in Directory.EnumerateDirectories(domains).Select(d => Path.Combine(d, "corpora")).Where(Directory.Exists))
        {
            foreach (var staging in Directory.EnumerateDirectories(corpora, CorpusVersions.StagingPrefix + "*"))
            {
                Directory.Delete(staging, recursive: true);
                LogRemoved(logger, staging);
            }
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed {Folder}: the staging folder of an upload cut off before it became a version")]
    static partial void LogRemoved(ILogger logger, string folder);
}
