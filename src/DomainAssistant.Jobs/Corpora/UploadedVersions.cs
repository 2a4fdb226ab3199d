using System.Globalization;

namespace DomainAssistant.Jobs.Corpora;

/// <summary>
/// How uploaded corpus versions lie in the shared data folder, for the API that writes them and the ingestion job
/// that reads them (in whichever host): folders v1, v2, ... under a domain's uploads folder, each renamed into place
/// whole with its manifest.json, its documents in a documents/ sub-folder.
/// </summary>
public static class UploadedVersions
{
    /// <summary>A version's folder is this and its number.</summary>
    public const string VersionPrefix = "v";

    /// <summary>The manifest in each version's folder; a folder without one is no version.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>The sub-folder of a version that holds its documents (what the retrieval index takes in).</summary>
    public const string DocumentsFolderName = "documents";

    /// <summary>The version numbers under <paramref name="uploadsFolder"/>, oldest first; none when the folder does not exist.</summary>
    public static IReadOnlyList<int> Numbers(string uploadsFolder)
    {
        if (!Directory.Exists(uploadsFolder)) return [];
        return [.. Directory.EnumerateDirectories(uploadsFolder).Select(d => ParseNumber(Path.GetFileName(d))).OfType<int>().Order()];
    }

    /// <summary>The folder of version <paramref name="number"/> (whether or not it exists).</summary>
    public static string Folder(string uploadsFolder, int number) =>
        Path.Combine(uploadsFolder, VersionPrefix + number.ToString(CultureInfo.InvariantCulture));

    /// <summary>The documents folder of the newest version, or null when nothing was uploaded or the newest version holds no documents.</summary>
    public static string? NewestDocuments(string uploadsFolder)
    {
        if (Numbers(uploadsFolder) is not [.., var newest]) return null;
        var folder = Folder(uploadsFolder, newest);
        var documents = Path.Combine(folder, DocumentsFolderName);
        return File.Exists(Path.Combine(folder, ManifestFileName)) && Directory.Exists(documents) ? documents : null;
    }

    static int? ParseNumber(string folderName) =>
        folderName.StartsWith(VersionPrefix, StringComparison.Ordinal)
        && int.TryParse(folderName.AsSpan(VersionPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n : null;
}
