using DomainAssistant.Jobs.Corpora;
using DomainAssistant.ServiceDefaults;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// At start, before any upload can begin, removes what uploads that a crash or a kill cut off left behind: their
/// staging folders (<c>.staging-*</c>), which never became a version, and the files they had already moved into the
/// content store, which no version lists (they would count against <c>Uploads:MaxDomainBytes</c> for good). Nothing
/// else would ever remove either. Each removal is logged.
/// </summary>
/// <remarks>
/// In the scale-out mode (<c>Storage:Database=PostgreSql</c>) other API processes share the data directory and may be
/// in the middle of an upload while this one starts: there only what has not been written for
/// <see cref="ScaleOutMinimumAge"/> is taken for cut off. In the embedded mode the process owns the folder, and everything
/// left at start is.
/// </remarks>
public sealed partial class CorpusStagingCleanup(StorageOptions storage, ILogger<CorpusStagingCleanup> logger, TimeProvider clock) : IHostedService
{
    /// <summary>How long a staging folder or stored file must lie untouched before a process sharing the folder removes it.</summary>
    public static TimeSpan ScaleOutMinimumAge { get; } = TimeSpan.FromMinutes(30);

    // Written before this moment: left by an upload that no process is still writing (in the embedded mode, all of it).
    DateTime CutOffBefore => storage.Database == StorageEngine.PostgreSql ? clock.GetUtcNow().UtcDateTime - ScaleOutMinimumAge : DateTime.MaxValue;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var cutOffBefore = CutOffBefore;
        var domains = Path.Combine(storage.DataDirectory, "domains");
        if (!Directory.Exists(domains)) return Task.CompletedTask;
        foreach (var corpora in Directory.EnumerateDirectories(domains).Select(d => Path.Combine(d, "corpora")).Where(Directory.Exists))
        {
            foreach (var staging in Directory.EnumerateDirectories(corpora, CorpusVersions.StagingPrefix + "*").Where(s => LastWrite(s) < cutOffBefore))
            {
                Directory.Delete(staging, recursive: true);
                LogRemoved(logger, staging);
            }
            RemoveUnlistedContent(corpora, cutOffBefore);
        }
        return Task.CompletedTask;
    }

    // A folder's own time changes only when entries are added to it directly: the newest of everything inside counts.
    static DateTime LastWrite(string folder) => Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
        .Select(File.GetLastWriteTimeUtc).Append(Directory.GetLastWriteTimeUtc(folder)).Max();

    void RemoveUnlistedContent(string corpora, DateTime cutOffBefore)
    {
        var listed = new List<string>();
        foreach (var number in UploadedVersions.Numbers(corpora))
        {
            var manifest = Path.Combine(UploadedVersions.Folder(corpora, number), CorpusManifest.FileName);
            if (!File.Exists(manifest)) continue;
            try
            {
                listed.AddRange(CorpusManifest.Read(manifest).Files.Select(f => f.Sha256));
            }
            catch (Exception error) when (error is InvalidDataException or IOException)
            {
                // A version that cannot be read might list any stored file: removing none is the only safe choice.
                LogSweepSkipped(logger, corpora, error.Message);
                return;
            }
        }
        var removed = new CorpusContentStore(corpora).RemoveUnlisted(listed, cutOffBefore);
        if (removed.Count > 0) LogUnlistedRemoved(logger, removed.Count, Path.Combine(corpora, CorpusContentStore.FolderName));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed {Folder}: the staging folder of an upload cut off before it became a version")]
    static partial void LogRemoved(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed {Count} files from {Folder} that no corpus version lists: stored by an upload cut off before it became a version")]
    static partial void LogUnlistedRemoved(ILogger logger, int count, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kept every stored file of {Folder}: a version's manifest could not be read ({Reason})")]
    static partial void LogSweepSkipped(ILogger logger, string folder, string reason);
}
