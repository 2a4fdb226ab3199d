using System.Globalization;
using System.Security.Cryptography;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>
/// SHA-256 checksums of the files in a model folder, kept in <see cref="FileName"/> in sha256sum's format
/// ("&lt;hex&gt;  &lt;relative path&gt;" per line), so <c>sha256sum -c checksums.sha256</c> verifies a folder as the host does.
/// </summary>
public static class FolderChecksums
{
    public const string FileName = "checksums.sha256";

    /// <summary>Writes the checksums of every file below <paramref name="root"/> (except the checksum file itself), in ordinal path order.</summary>
    public static void Write(string root)
    {
        var lines = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(path => path != FileName)
            .Order(StringComparer.Ordinal)
            .Select(path => $"{Sha256(Path.Combine(root, path))}  {path}");
        File.WriteAllLines(Path.Combine(root, FileName), lines);
    }

    /// <summary>What is wrong with the folder against its checksum file: each problem names the file; empty when every listed file is intact.</summary>
    public static IReadOnlyList<string> Verify(string root)
    {
        var list = Path.Combine(root, FileName);
        if (!File.Exists(list)) return [$"{list}: missing (the folder's checksums cannot be verified)"];
        var problems = new List<string>();
        // A listed path must lie below the folder: "../model-old/x" shares the folder's prefix but not its separator.
        var inside = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
        var number = 0;
        foreach (var line in File.ReadLines(list))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var parts = line.Split("  ", 2);
            if (parts.Length != 2 || parts[0].Length != 64)
            {
                problems.Add($"{list}:{number}: not a \"<sha256>  <path>\" line");
                continue;
            }
            var path = Path.GetFullPath(Path.Combine(root, parts[1]));
            if (!path.StartsWith(inside, StringComparison.Ordinal)) problems.Add($"{list}:{number}: {parts[1]} is outside the folder");
            else if (!File.Exists(path)) problems.Add($"{path}: missing");
            else if (Sha256(path) is var actual && !string.Equals(actual, parts[0], StringComparison.OrdinalIgnoreCase))
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: checksum mismatch (expected {parts[0][..12]}..., found {actual[..12]}...): the file is corrupt or was changed"));
        }
        return problems;
    }

    static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
