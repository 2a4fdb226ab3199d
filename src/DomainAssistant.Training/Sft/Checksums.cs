using System.Security.Cryptography;
using System.Text;

namespace DomainAssistant.Training.Sft;

/// <summary>Checksums that identify a base model and an adapter in lineage records.</summary>
public static class Checksums
{
    /// <summary>
    /// SHA-256 of a model: of the file itself for a llama2.c .bin; for a Hugging Face folder, over the name and bytes of
    /// config.json and every .safetensors file (tokenizer files and generation settings do not change the weights).
    /// </summary>
    public static string Model(string path)
    {
        if (File.Exists(path)) return Data.DatasetFiles.FileSha256(path);
        if (!Directory.Exists(path)) throw new FileNotFoundException($"model not found: {path}", path);
        var files = Directory.EnumerateFiles(path)
            .Where(f => Path.GetFileName(f) == "config.json" || f.EndsWith(".safetensors", StringComparison.Ordinal) || f.EndsWith(".safetensors.index.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\0"));
            using var stream = File.OpenRead(file);
            var buffer = new byte[1 << 20];
            for (int read; (read = stream.Read(buffer)) > 0;) hash.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
