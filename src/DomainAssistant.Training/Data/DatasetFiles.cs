using System.Security.Cryptography;
using System.Text;

namespace DomainAssistant.Training.Data;

/// <summary>
/// The files a dataset path names (one file, or every .jsonl, .txt and .md file below a folder in ordinal order) and
/// their SHA-256 checksum, over each file's path relative to the dataset and its bytes, so the same data gives the
/// same checksum wherever it is copied.
/// </summary>
public sealed record DatasetFiles(string Root, IReadOnlyList<string> Files, string Sha256)
{
    public static IReadOnlyList<string> Extensions { get; } = [".jsonl", ".txt", ".md"];

    /// <summary>Finds the files; throws when the path does not exist or holds no data file.</summary>
    public static DatasetFiles Find(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        List<string> files;
        string root;
        if (File.Exists(path))
        {
            if (!Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))
                throw new InvalidDataException($"data file '{path}' is not one of {string.Join(", ", Extensions)}.");
            (root, files) = (Path.GetDirectoryName(Path.GetFullPath(path))!, [Path.GetFullPath(path)]);
        }
        else if (Directory.Exists(path))
        {
            root = Path.GetFullPath(path);
            files = [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                                 .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                                 .Order(StringComparer.Ordinal)];
            if (files.Count == 0) throw new InvalidDataException($"data folder '{path}' holds no {string.Join(", ", Extensions)} files.");
        }
        else throw new FileNotFoundException($"training data not found: {path}", path);
        return new DatasetFiles(root, files, Checksum(root, files));
    }

    static string Checksum(string root, IEnumerable<string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(root, file).Replace('\\', '/') + "\0"));
            hash.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>SHA-256 of one file, hex.</summary>
    public static string FileSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
