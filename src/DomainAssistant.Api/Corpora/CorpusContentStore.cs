using System.Security.Cryptography;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// A domain's uploaded files stored once each, by content: <c>corpora/content/{the first 40 hex digits of the SHA-256}</c>.
/// A corpus version's <c>documents/</c> and <c>qa/</c> folders hold relative symbolic links to these files, so the
/// folders stay what indexing and training read while a file carried over by a hundred versions takes its bytes once.
/// </summary>
/// <remarks>
/// 40 hex digits (160 bits, as many as git's object names) keep a link's target (<c>../../content/</c> and the name) under
/// the 60 bytes ext4 stores inside the link itself: a longer target costs a 4 KiB block per link, per version.
/// </remarks>
public sealed class CorpusContentStore(string corporaFolder)
{
    public const string FolderName = "content";

    public string Folder => Path.Combine(corporaFolder, FolderName);

    /// <summary>Bytes stored for the domain (every distinct file once).</summary>
    public long StoredBytes() => Directory.Exists(Folder)
        ? new DirectoryInfo(Folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
        : 0;

    public bool Contains(string sha256) => File.Exists(PathOf(sha256));

    /// <summary>
    /// Stores <paramref name="content"/> unless a file of its hash is there already: written beside the version being
    /// staged (<paramref name="staging"/>), flushed, then moved into place, so a stored file is always whole.
    /// </summary>
    public async Task AddAsync(string sha256, byte[] content, string staging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = PathOf(sha256);
        if (File.Exists(target)) return;
        if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(content)), sha256, StringComparison.Ordinal))
            throw new InvalidDataException($"content does not match its SHA-256 {sha256}");
        var temporary = Path.Combine(staging, "." + sha256);
        await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await stream.WriteAsync(content, cancellationToken);
            stream.Flush(flushToDisk: true);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(temporary, target, overwrite: false);
    }

    /// <summary>Makes <paramref name="linkPath"/> a relative link to the stored file of <paramref name="sha256"/>.</summary>
    public void Link(string linkPath, string sha256)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(linkPath)!);
        // Relative, so the data folder can be moved or copied (cp -a, tar) as a whole.
        File.CreateSymbolicLink(linkPath, Path.GetRelativePath(Path.GetDirectoryName(linkPath)!, PathOf(sha256)));
    }

    /// <summary>
    /// Removes the stored files that no version lists (<paramref name="listed"/>: every version's SHA-256s) and returns
    /// their paths: what an upload cut off after storing some of its files left behind, which would otherwise count
    /// against <c>Uploads:MaxDomainBytes</c> for good.
    /// </summary>
    /// <param name="listed">The SHA-256 of every file some version lists.</param>
    /// <param name="writtenBefore">Only files last written before this (UTC) go: a newer one may belong to an upload still running.</param>
    public IReadOnlyList<string> RemoveUnlisted(IEnumerable<string> listed, DateTime writtenBefore)
    {
        if (!Directory.Exists(Folder)) return [];
        var kept = listed.Where(s => s.Length >= NameLength).Select(s => s[..NameLength]).ToHashSet(StringComparer.Ordinal);
        var removed = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Folder).Where(f => !kept.Contains(Path.GetFileName(f)) && File.GetLastWriteTimeUtc(f) < writtenBefore).ToList())
        {
            File.Delete(file);
            removed.Add(file);
        }
        return removed;
    }

    const int NameLength = 40;

    string PathOf(string sha256) => Path.Combine(Folder, sha256[..NameLength]);
}
