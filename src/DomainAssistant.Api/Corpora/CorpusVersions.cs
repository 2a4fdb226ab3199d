using System.Collections.Concurrent;
using DomainAssistant.Api.Configuration;
using DomainAssistant.Jobs.Corpora;
using DomainAssistant.ServiceDefaults;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// The uploaded corpus versions of every domain, under <c>Storage:DataDirectory</c>/domains/{domain}/corpora/v{N}/ (a
/// documents/ and a qa/ folder and manifest.json; the layout ingestion jobs read is <see cref="UploadedVersions"/>). The files themselves are stored once each by content
/// (<see cref="CorpusContentStore"/>); a version's folders link to them. A version is written in a staging folder and
/// renamed into place only when complete, so a failed or refused upload leaves no version, and a stored version is
/// never changed. Versions written before the content store (real files in their folders) read as they always did,
/// and their files enter the store when a later version carries them over.
/// </summary>
public sealed class CorpusVersions(StorageOptions storage, TimeProvider clock, UploadOptions limits)
{
    /// <summary>Name prefix of the folder a version is written in before it is renamed into place.</summary>
    public const string StagingPrefix = ".staging-";

    readonly ConcurrentDictionary<string, SemaphoreSlim> _writers = new(StringComparer.Ordinal);

    /// <summary>The folder holding a domain's versions.</summary>
    public string Folder(string domain) => Path.GetFullPath(Path.Combine(storage.DataDirectory, "domains", domain, "corpora"));

    /// <summary>A domain's version numbers, oldest first.</summary>
    public IReadOnlyList<int> Numbers(string domain) => UploadedVersions.Numbers(Folder(domain));

    /// <summary>One version, or null when it does not exist.</summary>
    public CorpusVersion? Find(string domain, int version)
    {
        var folder = UploadedVersions.Folder(Folder(domain), version);
        var manifest = Path.Combine(folder, CorpusManifest.FileName);
        return File.Exists(manifest) ? new CorpusVersion(folder, CorpusManifest.Read(manifest)) : null;
    }

    /// <summary>The newest version (the one the index serves), or null when nothing was uploaded.</summary>
    public CorpusVersion? Latest(string domain) => Numbers(domain) is [.., var last] ? Find(domain, last) : null;

    /// <summary>Stores <paramref name="upload"/> as the domain's next version.</summary>
    /// <exception cref="CorpusUploadException">413: the version would pass <c>Uploads:MaxDomainFiles</c> or the domain <c>Uploads:MaxDomainBytes</c>.</exception>
    public async Task<CorpusVersion> AddAsync(string domain, CorpusUpload upload, string? uploadedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var writer = _writers.GetOrAdd(domain, _ => new SemaphoreSlim(1, 1));
        await writer.WaitAsync(cancellationToken);
        var root = Folder(domain);
        var content = new CorpusContentStore(root);
        var staging = Path.Combine(root, StagingPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(staging);
            var previous = upload.Mode == CorpusUploadMode.Add ? Latest(domain) : null;
            var number = (Numbers(domain) is [.., var last] ? last : 0) + 1;
            var files = Combine(upload, previous, number);
            CheckCaps(domain, files, content);
            foreach (var file in files)
            {
                var bytes = file.Bytes ?? (content.Contains(file.Entry.Sha256) ? null : await File.ReadAllBytesAsync(file.LegacyPath!, cancellationToken));
                if (bytes is not null) await content.AddAsync(file.Entry.Sha256, bytes, staging, cancellationToken);
                content.Link(Path.Combine(staging, file.Entry.Path), file.Entry.Sha256);
            }
            var manifest = new CorpusManifest(domain, number, clock.GetUtcNow(), uploadedBy, upload.Mode == CorpusUploadMode.Add ? "add" : "replace",
                previous?.Manifest.Version, [.. files.Select(f => f.Entry).OrderBy(f => f.Path, StringComparer.Ordinal)]);
            await WriteAsync(Path.Combine(staging, CorpusManifest.FileName), manifest.ToJson(), cancellationToken);
            var target = UploadedVersions.Folder(root, number);
            Directory.Move(staging, target); // one rename: the version appears complete or not at all
            return new CorpusVersion(target, manifest);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            writer.Release();
        }
    }

    /// <summary>A file of the new version: its entry, and its bytes when uploaded now, or where an older version keeps them.</summary>
    sealed record VersionFile(CorpusManifestFile Entry, byte[]? Bytes, string? LegacyPath);

    static List<VersionFile> Combine(CorpusUpload upload, CorpusVersion? previous, int number)
    {
        var files = upload.Files.Select(f => new VersionFile(
            new CorpusManifestFile(f.Name, f.Kind, RelativePath(f.Kind, f.Name), f.Content.Length, f.Sha256, f.QaPairs, number), f.Content, null)).ToList();
        foreach (var carried in previous?.Manifest.Files ?? [])
        {
            if (files.Any(f => string.Equals(f.Entry.Name, carried.Name, StringComparison.OrdinalIgnoreCase))) continue;
            files.Add(new VersionFile(carried, null, Path.Combine(previous!.Folder, carried.Path)));
        }
        return files;
    }

    void CheckCaps(string domain, List<VersionFile> files, CorpusContentStore content)
    {
        if (files.Count > limits.MaxDomainFiles)
            throw CorpusUploadException.TooLarge($"Domain \"{domain}\" would hold {files.Count} files; a domain may hold at most {limits.MaxDomainFiles} (Uploads:MaxDomainFiles). " +
                "Upload with mode=replace, or fewer files.");
        var added = files.Where(f => !content.Contains(f.Entry.Sha256)).DistinctBy(f => f.Entry.Sha256).Sum(f => f.Entry.Bytes);
        var stored = content.StoredBytes();
        if (stored + added > limits.MaxDomainBytes)
            throw CorpusUploadException.TooLarge($"Domain \"{domain}\" stores {stored} bytes of corpus files and this upload adds {added}; a domain may store at most " +
                $"{limits.MaxDomainBytes} (Uploads:MaxDomainBytes).");
    }

    static string RelativePath(CorpusFileKind kind, string name) => CorpusFileTypes.FolderOf(kind) + "/" + name;

    static async Task WriteAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await stream.WriteAsync(content, cancellationToken);
        stream.Flush(flushToDisk: true);
    }
}
