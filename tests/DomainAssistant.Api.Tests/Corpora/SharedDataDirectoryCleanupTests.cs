using DomainAssistant.Api.Corpora;
using DomainAssistant.ServiceDefaults;
using Microsoft.Extensions.Logging.Abstractions;

namespace DomainAssistant.Api.Tests.Corpora;

/// <summary>
/// In the scale-out mode API processes share the data directory: a process starting while another is mid-upload must
/// leave that upload's staging folder and stored files alone, and still remove what a cut-off upload left long ago.
/// </summary>
public sealed class SharedDataDirectoryCleanupTests : IDisposable
{
    readonly Support.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(StorageEngine.PostgreSql, false)]
    [InlineData(StorageEngine.Sqlite, true)]
    public async Task An_upload_another_process_is_writing_is_kept_and_an_old_cut_off_one_removed(StorageEngine engine, bool freshRemoved)
    {
        var corpora = Directory.CreateDirectory(Path.Combine(_folder.Path, "domains", "fernbrook-recycling", "corpora")).FullName;
        var running = Staging(corpora, "running");
        var abandoned = Staging(corpora, "abandoned");
        var content = Directory.CreateDirectory(Path.Combine(corpora, CorpusContentStore.FolderName)).FullName;
        var fresh = Path.Combine(content, new string('a', 40));
        var stale = Path.Combine(content, new string('b', 40));
        await File.WriteAllTextAsync(fresh, "stored a moment ago by an upload still running");
        await File.WriteAllTextAsync(stale, "stored by an upload killed an hour ago");
        var anHourAgo = DateTime.UtcNow.AddHours(-1);
        foreach (var entry in Directory.EnumerateFileSystemEntries(abandoned, "*", SearchOption.AllDirectories).Append(abandoned).Append(stale))
            File.SetLastWriteTimeUtc(entry, anHourAgo);
        var storage = new StorageOptions { DataDirectory = _folder.Path, Database = engine, PostgreSqlConnection = "Host=unused" };

        await new CorpusStagingCleanup(storage, NullLogger<CorpusStagingCleanup>.Instance, TimeProvider.System).StartAsync(CancellationToken.None);

        Assert.False(Directory.Exists(abandoned));
        Assert.False(File.Exists(stale));
        Assert.Equal(!freshRemoved, Directory.Exists(running));
        Assert.Equal(!freshRemoved, File.Exists(fresh));
    }

    static string Staging(string corpora, string name)
    {
        var staging = Path.Combine(corpora, CorpusVersions.StagingPrefix + name);
        Directory.CreateDirectory(Path.Combine(staging, "documents"));
        File.WriteAllText(Path.Combine(staging, "documents", "part.md"), "# Part\nhalf written");
        return staging;
    }
}
