using static TorchSharp.torch;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>
/// A checkpoint whose tensors can be listed (name, dtype, shape) without reading them, then read one at a time:
/// a single safetensors file or a sharded set behind an index. Lets a loader validate first and hold only the
/// tensors it has placed.
/// </summary>
public interface ITensorCheckpoint : IDisposable
{
    /// <summary>The file the caller opened (the .safetensors file, or the index of a sharded set).</summary>
    string Path { get; }

    IReadOnlyList<SafeTensorsEntry> Entries { get; }

    bool Contains(string name);

    /// <summary>Reads one tensor into a new CPU tensor in its stored dtype; the caller disposes it.</summary>
    Tensor Load(string name);
}

public static class TensorCheckpointLoading
{
    /// <summary>Reads the named tensors; if any read fails, the ones already read are disposed before the exception leaves.</summary>
    public static Dictionary<string, Tensor> LoadMany(this ITensorCheckpoint checkpoint, IEnumerable<string> names)
    {
        var loaded = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var name in names)
                if (!loaded.ContainsKey(name)) loaded[name] = checkpoint.Load(name);
            return loaded;
        }
        catch
        {
            foreach (var tensor in loaded.Values) tensor.Dispose();
            throw;
        }
    }
}
