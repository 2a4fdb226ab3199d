using System.Collections.Concurrent;
using System.Globalization;
using DomainAssistant.Api.Configuration;
using DomainAssistant.ServiceDefaults;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// The uploaded corpus versions of every domain, under <c>Storage:DataDirectory</c>/domains/{domain}/corpora/v{N}/ (a
/// documents/ and a qa/ folder and manifest.json). A version is written in a staging folder and renamed into place
/// only when complete, so a failed or refused upload leaves no trace, and a stored version is never changed.
/// </summary>
public sealed class CorpusVersions(StorageOptions storage, TimeProvider clock)
{
    const string VersionPrefix = "v";
    const string StagingPrefix = ".staging-";
    readonly ConcurrentDictionary<string, SemaphoreSlim> _writers = new(StringComparer.Ordinal);

    /// <summary>The folder holding a domain's versions.</summary>
    public string Folder(string domain) => Path.GetFullPath(Path.Combine(storage.DataDirectory, "domains", domain, "corpora"));

    /// <summary>A domain's version numbers, oldest first.</summary>
    public IReadOnlyList<int> Numbers(string domain)
    {
        var folder = Folder(domain);
        if (!Directory.Exists(folder)) return [];
        return [.. Directory.EnumerateDirectories(folder).Select(d => ParseNumber(Path.GetFileName(d))).OfType<int>().Order()];
    }

    /// <summary>One version, or null when it does not exist.</summary>
    public CorpusVersion? Find(string domain, int version)
    {
        var folder = Path.Combine(Folder(domain), VersionPrefix + version.ToString(CultureInfo.InvariantCulture));
        var manifest = Path.Combine(folder, CorpusManifest.FileName);
        return File.Exists(manifest) ? new CorpusVersion(folder, CorpusManifest.Read(manifest)) : null;
    }

    /// <summary>The newest version (the one the index serves), or null when nothing was uploaded.</summary>
    public CorpusVersion? Latest(string domain) => Numbers(domain) is [.., var last] ? Find(domain, last) : null;

    /// <summary>Stores <paramref name="upload"/> as the domain's next version.</summary>
    public async Task<CorpusVersion> AddAsync(string domain, CorpusUpload upload, string? uploadedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var writer = _writers.GetOrAdd(domain, _ => new SemaphoreSlim(1, 1));
        await writer.WaitAsync(cancellationToken);
        var root = Folder(domain);
        var staging = Path.Combine(root, StagingPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(staging);
            var previous = upload.Mode == CorpusUploadMode.Add ? Latest(domain) : null;
            var number = (Numbers(domain) is [.., var last] ? last : 0) + 1;
            var files = new List<CorpusManifestFile>();
            foreach (var file in upload.Files)
            {
                var entry = new CorpusManifestFile(file.Name, file.Kind, RelativePath(file.Kind, file.Name), file.Content.Length, file.Sha256, file.QaPairs, number);
                await WriteAsync(Path.Combine(staging, entry.Path), file.Content, cancellationToken);
                files.Add(entry);
            }
            foreach (var carried in previous?.Manifest.Files ?? [])
            {
                if (files.Any(f => string.Equals(f.Name, carried.Name, StringComparison.OrdinalIgnoreCase))) continue;
                await WriteAsync(Path.Combine(staging, carried.Path), await File.ReadAllBytesAsync(Path.Combine(previous!.Folder, carried.Path), cancellationToken), cancellationToken);
                files.Add(carried);
            }
            var manifest = new CorpusManifest(domain, number, clock.GetUtcNow(), uploadedBy, upload.Mode == CorpusUploadMode.Add ? "add" : "replace",
                previous?.Manifest.Version, [.. files.OrderBy(f => f.Path, StringComparer.Ordinal)]);
            await WriteAsync(Path.Combine(staging, CorpusManifest.FileName), manifest.ToJson(), cancellationToken);
            var target = Path.Combine(root, VersionPrefix + number.ToString(CultureInfo.InvariantCulture));
            Directory.Move(staging, target); // one rename: the version appears complete or not at all
            return new CorpusVersion(target, manifest);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            writer.Release();
        }
    }

    static string RelativePath(CorpusFileKind kind, string name) => CorpusFileTypes.FolderOf(kind) + "/" + name;

    static async Task WriteAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await stream.WriteAsync(content, cancellationToken);
        stream.Flush(flushToDisk: true);
    }

    static int? ParseNumber(string folderName) =>
        folderName.StartsWith(VersionPrefix, StringComparison.Ordinal)
        && int.TryParse(folderName.AsSpan(VersionPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n : null;
}
