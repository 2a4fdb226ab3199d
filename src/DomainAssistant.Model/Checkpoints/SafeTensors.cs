using static TorchSharp.torch;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>
/// Reads and writes whole safetensors files: an 8-byte little-endian header length, a JSON header mapping each
/// tensor name to dtype/shape/data_offsets (plus optional string "__metadata__"), then the raw little-endian data.
/// For one tensor at a time use <see cref="SafeTensorsFile"/>; for sharded checkpoints <see cref="ShardedSafeTensors"/>.
/// </summary>
public static class SafeTensors
{
    /// <summary>
    /// Reads every tensor of <paramref name="path"/> into new CPU tensors of their stored dtype; the caller owns them.
    /// A malformed file throws <see cref="InvalidDataException"/> naming the file and the tensor, before any allocation.
    /// </summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        using var file = SafeTensorsFile.Open(path);
        return file.LoadAll();
    }

    /// <summary>Reads only the header's "__metadata__" (empty when absent).</summary>
    public static IReadOnlyDictionary<string, string> LoadMetadata(string path)
    {
        using var file = SafeTensorsFile.Open(path);
        return file.Metadata;
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> (any device, any layout: each is copied to contiguous CPU memory only if it
    /// is not already) in a deterministic order, replacing <paramref name="path"/> atomically.
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensorsWriter.Write(path, tensors, metadata);
}
