using System.Security.Cryptography;
using System.Text;

namespace DomainAssistant.Model.Embeddings;

/// <summary>
/// A checksum of a checkpoint's base weights, so anything derived from them (stored embeddings) can tell when the
/// weights changed, whatever the folder is called.
/// </summary>
public static class WeightsChecksum
{
    /// <summary>
    /// SHA-256 (lower-case hex) of a llama2.c <c>.bin</c>, or of a Hugging Face folder's <c>*.safetensors</c> files
    /// taken in name order (each file's name and bytes), so sharded and single-file checkpoints both work.
    /// </summary>
    /// <exception cref="FileNotFoundException">The path is neither a file nor a folder holding safetensors.</exception>
    public static string Of(string checkpointPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        if (File.Exists(checkpointPath))
        {
            using var stream = File.OpenRead(checkpointPath);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        var files = Directory.Exists(checkpointPath)
            ? Directory.GetFiles(checkpointPath, "*.safetensors").Order(StringComparer.Ordinal).ToArray()
            : [];
        if (files.Length == 0)
            throw new FileNotFoundException($"{checkpointPath}: no llama2.c .bin file or Hugging Face *.safetensors weights to checksum.", checkpointPath);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            using var stream = File.OpenRead(file);
            int read;
            while ((read = stream.Read(buffer)) > 0) hash.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
