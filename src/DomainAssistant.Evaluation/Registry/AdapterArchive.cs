using System.IO.Compression;
using DomainAssistant.Model.Lora;

namespace DomainAssistant.Evaluation.Registry;

/// <summary>
/// Unpacks a zip of a PEFT adapter folder into an empty folder, refusing anything that could write outside it or
/// smuggle in more than an adapter: absolute paths, <c>..</c> segments, symbolic links, files other than the PEFT
/// pair (plus lineage.json and README.md), and more bytes than <see cref="AdapterLimits"/> allow. The files may sit at
/// the archive's root or in one folder (what zipping a folder gives).
/// </summary>
public static class AdapterArchive
{
    /// <summary>The lineage record training writes beside an adapter.</summary>
    public const string LineageFileName = "lineage.json";

    const string ReadmeFileName = "README.md";

    static readonly string[] Allowed = [PeftAdapter.ConfigFileName, PeftAdapter.WeightsFileName, LineageFileName, ReadmeFileName];

    // Unix file type bits in the high half of a zip entry's external attributes (zip's "version made by" Unix).
    const int UnixTypeMask = 0xF000;
    const int UnixRegularFile = 0x8000;
    const int UnixDirectory = 0x4000;

    /// <exception cref="AdapterRejectedException">Not a zip, too large, or an entry that is not allowed.</exception>
    public static void Extract(Stream zip, string folder, AdapterLimits limits)
    {
        ArgumentNullException.ThrowIfNull(zip);
        ArgumentNullException.ThrowIfNull(limits);
        Directory.CreateDirectory(folder);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new AdapterRejectedException(AdapterRejection.NotAZip, $"the body is not a zip archive ({e.Message})", e);
        }
        using (archive)
        {
            if (archive.Entries.Count > limits.MaxEntries)
                throw new AdapterRejectedException(AdapterRejection.TooLarge, $"the archive has {archive.Entries.Count} entries; an adapter has at most {limits.MaxEntries}.");
            var files = archive.Entries.Where(e => !IsFolder(e)).ToList();
            foreach (var entry in archive.Entries) CheckPath(entry);
            var prefix = CommonFolder(files);
            long written = 0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in files)
            {
                var name = entry.FullName[prefix.Length..];
                if (!Allowed.Contains(name, StringComparer.Ordinal))
                    throw new AdapterRejectedException(AdapterRejection.Invalid, name == "adapter_model.bin"
                        ? "'adapter_model.bin' is a pickle file, which is never loaded: send adapter_model.safetensors."
                        : $"'{entry.FullName}' is not part of a PEFT adapter (allowed: {string.Join(", ", Allowed)}, at the root or in one folder).");
                if (!seen.Add(name)) throw new AdapterRejectedException(AdapterRejection.Invalid, $"'{name}' appears twice in the archive.");
                written = Copy(entry, Path.Combine(folder, name), written, limits);
            }
            foreach (var required in new[] { PeftAdapter.ConfigFileName, PeftAdapter.WeightsFileName })
                if (!seen.Contains(required)) throw new AdapterRejectedException(AdapterRejection.Invalid, $"the archive has no {required}: not a PEFT adapter folder.");
        }
    }

    /// <summary>
    /// The inverse of <see cref="Extract"/> for an adapter this host trained: the PEFT folder's files that a package
    /// may hold (anything else a trainer leaves beside them, checkpoints say, stays out) zipped at the archive's root.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder lacks the PEFT config or weights.</exception>
    public static void Pack(string folder, Stream zip)
    {
        ArgumentNullException.ThrowIfNull(zip);
        using var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var name in Allowed)
        {
            var file = Path.Combine(folder, name);
            if (File.Exists(file)) archive.CreateEntryFromFile(file, name);
            else if (name is PeftAdapter.ConfigFileName or PeftAdapter.WeightsFileName)
                throw new FileNotFoundException($"{folder} is not a PEFT adapter folder: it has no {name}.", file);
        }
    }

    static bool IsFolder(ZipArchiveEntry entry) => entry.FullName.EndsWith('/') && entry.Length == 0;

    /// <summary>Refuses any name that could land outside the target folder, and links, before anything is written.</summary>
    static void CheckPath(ZipArchiveEntry entry)
    {
        var name = entry.FullName;
        if (name.Length == 0) throw new AdapterRejectedException(AdapterRejection.Invalid, "an archive entry has an empty name.");
        if (name.Contains('\\', StringComparison.Ordinal))
            throw new AdapterRejectedException(AdapterRejection.Invalid, $"'{name}' uses a backslash: entry names must use '/'.");
        if (name.StartsWith('/') || (name.Length > 1 && name[1] == ':') || Path.IsPathRooted(name))
            throw new AdapterRejectedException(AdapterRejection.Invalid, $"'{name}' is an absolute path.");
        if (name.Split('/').Any(segment => segment is ".." or "."))
            throw new AdapterRejectedException(AdapterRejection.Invalid, $"'{name}' has a '..' or '.' segment (path traversal).");
        if (name.Contains('\0', StringComparison.Ordinal)) throw new AdapterRejectedException(AdapterRejection.Invalid, $"'{name}' holds a NUL character.");
        var unixType = (entry.ExternalAttributes >> 16) & UnixTypeMask;
        if (unixType != 0 && unixType != UnixRegularFile && unixType != UnixDirectory)
            throw new AdapterRejectedException(AdapterRejection.Invalid, $"'{name}' is a symbolic link or special file, not a regular file.");
    }

    /// <summary>"" when the files sit at the root, "folder/" when they all sit in one folder.</summary>
    static string CommonFolder(List<ZipArchiveEntry> files)
    {
        if (files.Count == 0) throw new AdapterRejectedException(AdapterRejection.Invalid, "the archive holds no files.");
        var folders = files.Select(f => f.FullName.LastIndexOf('/') is var slash and >= 0 ? f.FullName[..(slash + 1)] : "").Distinct(StringComparer.Ordinal).ToList();
        if (folders.Count > 1 || folders[0].Count(c => c == '/') > 1)
            throw new AdapterRejectedException(AdapterRejection.Invalid,
                $"the adapter's files must sit together at the root or in one folder; found them in {string.Join(", ", folders.Select(f => f.Length == 0 ? "(root)" : f))}.");
        return folders[0];
    }

    static long Copy(ZipArchiveEntry entry, string target, long writtenBefore, AdapterLimits limits)
    {
        using var source = entry.Open();
        using var destination = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
        var buffer = new byte[81920];
        var written = writtenBefore;
        int read;
        while ((read = source.Read(buffer)) > 0)
        {
            written += read;
            // Counted on the inflated bytes: the sizes an entry declares are the sender's word.
            if (written > limits.MaxExtractedBytes)
                throw new AdapterRejectedException(AdapterRejection.TooLarge, $"the adapter's files expand past {limits.MaxExtractedBytes} bytes (at '{entry.FullName}').");
            destination.Write(buffer, 0, read);
        }
        return written;
    }
}
