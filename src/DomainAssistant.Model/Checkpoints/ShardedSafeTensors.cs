using static TorchSharp.torch;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>
/// A checkpoint split over several safetensors files (model-00001-of-00003.safetensors, ...) behind
/// model.safetensors.index.json. Opening validates the index and every shard's header; tensors are then read on demand.
/// </summary>
public sealed class ShardedSafeTensors : ITensorCheckpoint
{
    readonly Dictionary<string, SafeTensorsFile> _shards;
    readonly List<SafeTensorsEntry> _entries;

    ShardedSafeTensors(string path, SafeTensorsIndex index, Dictionary<string, SafeTensorsFile> shards)
    {
        Path = path;
        Index = index;
        _shards = shards;
        // Only what the index maps is part of the checkpoint, as in Hugging Face's loader.
        _entries = index.ShardFiles
            .SelectMany(shard => shards[shard].Entries.Where(e => index.WeightMap.TryGetValue(e.Name, out var s) && s == shard))
            .ToList();
    }

    /// <summary>The index file.</summary>
    public string Path { get; }

    public SafeTensorsIndex Index { get; }

    public IReadOnlyList<SafeTensorsEntry> Entries => _entries;

    /// <summary>
    /// Opens <paramref name="indexPath"/> and each shard beside it. A missing shard throws <see cref="FileNotFoundException"/>
    /// naming the index and the shard; a tensor the index maps to a shard that lacks it throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static ShardedSafeTensors Open(string indexPath)
    {
        var index = SafeTensorsIndex.Read(indexPath);
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(indexPath))!;
        var shards = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var shard in index.ShardFiles)
            {
                string shardPath = System.IO.Path.Combine(folder, shard);
                if (!File.Exists(shardPath))
                    throw new FileNotFoundException(
                        $"Sharded checkpoint '{indexPath}' maps tensors to shard '{shard}', but '{shardPath}' does not exist.", shardPath);
                shards[shard] = SafeTensorsFile.Open(shardPath);
            }
            foreach (var (name, shard) in index.WeightMap)
                if (!shards[shard].Contains(name))
                    throw new InvalidDataException($"Sharded checkpoint '{indexPath}' maps tensor '{name}' to shard '{shard}', which has no such tensor.");
            return new ShardedSafeTensors(indexPath, index, shards);
        }
        catch
        {
            foreach (var file in shards.Values) file.Dispose();
            throw;
        }
    }

    /// <summary>Reads every tensor the index maps; the caller owns them.</summary>
    public static Dictionary<string, Tensor> LoadAll(string indexPath)
    {
        using var checkpoint = Open(indexPath);
        return checkpoint.LoadAll();
    }

    /// <summary>Reads every tensor the index maps; on failure the ones already read are disposed.</summary>
    public Dictionary<string, Tensor> LoadAll() => this.LoadMany(_entries.Select(e => e.Name));

    public bool Contains(string name) => Index.WeightMap.ContainsKey(name);

    public Tensor Load(string name) =>
        Index.WeightMap.TryGetValue(name, out var shard)
            ? _shards[shard].Load(name)
            : throw new KeyNotFoundException($"Sharded checkpoint '{Path}' has no tensor named '{name}'.");

    /// <summary>
    /// Writes <paramref name="tensors"/> into shards of at most <paramref name="maxShardBytes"/> each (a single tensor
    /// larger than that gets a shard of its own), named {prefix}-00001-of-0000N.safetensors, plus
    /// {prefix}.safetensors.index.json. Tensors go to shards in name order. Returns the index written.
    /// </summary>
    public static SafeTensorsIndex Save(string folder, IReadOnlyDictionary<string, Tensor> tensors, long maxShardBytes,
        IReadOnlyDictionary<string, string>? metadata = null, string prefix = "model")
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShardBytes);
        var groups = Split(tensors, maxShardBytes);
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        long totalSize = 0;
        Directory.CreateDirectory(folder);
        for (int i = 0; i < groups.Count; i++)
        {
            string shard = $"{prefix}-{i + 1:D5}-of-{groups.Count:D5}.safetensors";
            var group = groups[i].ToDictionary(name => name, name => tensors[name], StringComparer.Ordinal);
            SafeTensorsWriter.Write(System.IO.Path.Combine(folder, shard), group, metadata);
            foreach (var (name, tensor) in group)
            {
                weightMap[name] = shard;
                totalSize += SafeTensorsWriter.ByteLength(name, tensor);
            }
        }
        var index = new SafeTensorsIndex(totalSize, weightMap);
        index.Write(System.IO.Path.Combine(folder, $"{prefix}.safetensors.index.json"));
        return index;
    }

    /// <summary>Greedy packing in name order: a new shard starts when the next tensor would overflow the current one.</summary>
    static List<List<string>> Split(IReadOnlyDictionary<string, Tensor> tensors, long maxShardBytes)
    {
        var groups = new List<List<string>>();
        long current = 0;
        foreach (var name in tensors.Keys.Order(StringComparer.Ordinal))
        {
            long length = SafeTensorsWriter.ByteLength(name, tensors[name]);
            if (groups.Count == 0 || (groups[^1].Count > 0 && current + length > maxShardBytes))
            {
                groups.Add([]);
                current = 0;
            }
            groups[^1].Add(name);
            current += length;
        }
        return groups;
    }

    public void Dispose()
    {
        foreach (var file in _shards.Values) file.Dispose();
    }
}
