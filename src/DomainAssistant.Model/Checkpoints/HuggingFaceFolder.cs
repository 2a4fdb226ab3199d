using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>
/// A Hugging Face model folder as transformers' save_pretrained writes it: config.json, generation_config.json and the
/// weights as model.safetensors or shards behind model.safetensors.index.json. Tokenizer files live in the same folder
/// but belong to the tokenizer code: nothing here reads, writes or deletes them.
/// </summary>
public static partial class HuggingFaceFolder
{
    /// <summary>Above this many bytes of weights, Save shards (transformers' old "2GB" default; it counts 10^9).</summary>
    public const long DefaultMaxShardBytes = 2_000_000_000;

    public const string WeightsFileName = "model.safetensors";
    public const string GenerationConfigFileName = "generation_config.json";

    /// <summary>transformers refuses safetensors whose metadata lacks a known "format".</summary>
    static readonly Dictionary<string, string> PyTorchFormat = new() { ["format"] = "pt" };

    /// <summary>
    /// Reads config.json and the weights the config calls for, in their stored dtype (the caller casts). Names and
    /// shapes are checked against <see cref="LlamaWeightLayout"/> from the headers, before any tensor is read.
    /// </summary>
    public static (LlamaConfig Config, Dictionary<string, Tensor> Weights) Load(string folder)
    {
        string configPath = Path.Combine(folder, HuggingFaceConfig.FileName);
        if (!File.Exists(configPath))
            throw new FileNotFoundException($"Hugging Face folder '{folder}' has no {HuggingFaceConfig.FileName}.", configPath);
        var config = HuggingFaceConfig.Read(configPath);
        var layout = new LlamaWeightLayout(config);
        using var checkpoint = OpenWeights(folder);
        layout.Validate(checkpoint.Entries.Select(e => KeyValuePair.Create(e.Name, e.Shape)), checkpoint.Path);
        return (config, checkpoint.LoadMany(layout.Weights.Select(w => w.Name)));
    }

    /// <summary>Opens the folder's weights for reading one tensor at a time: model.safetensors if present, else the sharded index.</summary>
    public static ITensorCheckpoint OpenWeights(string folder)
    {
        string single = Path.Combine(folder, WeightsFileName);
        if (File.Exists(single)) return SafeTensorsFile.Open(single);
        string index = Path.Combine(folder, SafeTensorsIndex.FileName);
        if (File.Exists(index)) return ShardedSafeTensors.Open(index);
        throw new FileNotFoundException(
            $"Hugging Face folder '{folder}' has neither {WeightsFileName} nor {SafeTensorsIndex.FileName} " +
            "(pickled pytorch_model.bin checkpoints are not read).", single);
    }

    /// <summary>
    /// Writes config.json, generation_config.json (keeping other settings of an existing one) and the weights: one
    /// model.safetensors up to <paramref name="maxShardBytes"/>, shards plus index above it. The weights are checked
    /// against the config first; a tied lm_head is not written. Weight files of an earlier save that the new one does not
    /// replace (model.safetensors, the index, model-*-of-*.safetensors) are removed so loaders cannot pick stale weights;
    /// every other file in the folder is left alone.
    /// </summary>
    public static void Save(string folder, LlamaConfig config, IReadOnlyDictionary<string, Tensor> weights, long maxShardBytes = DefaultMaxShardBytes)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShardBytes);
        string configJson = HuggingFaceConfig.ToJson(config);
        var layout = new LlamaWeightLayout(config);
        layout.Validate(weights, folder);
        var kept = layout.Weights.ToDictionary(w => w.Name, w => weights[w.Name], StringComparer.Ordinal);

        Directory.CreateDirectory(folder);
        var written = WriteWeights(folder, kept, maxShardBytes);
        File.WriteAllText(Path.Combine(folder, HuggingFaceConfig.FileName), configJson + "\n");
        WriteGenerationConfig(folder, config);
        RemoveStaleWeights(folder, written);
    }

    static HashSet<string> WriteWeights(string folder, Dictionary<string, Tensor> weights, long maxShardBytes)
    {
        long total = weights.Sum(w => SafeTensorsWriter.ByteLength(w.Key, w.Value));
        if (total <= maxShardBytes)
        {
            SafeTensors.Save(Path.Combine(folder, WeightsFileName), weights, PyTorchFormat);
            return [WeightsFileName];
        }
        var index = ShardedSafeTensors.Save(folder, weights, maxShardBytes, PyTorchFormat);
        return [SafeTensorsIndex.FileName, .. index.ShardFiles];
    }

    static void WriteGenerationConfig(string folder, LlamaConfig config)
    {
        string path = Path.Combine(folder, GenerationConfigFileName);
        string? existing = File.Exists(path) ? File.ReadAllText(path) : null;
        var json = HuggingFaceConfigJson.Generation(config, existing);
        File.WriteAllText(path, json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    static void RemoveStaleWeights(string folder, HashSet<string> written)
    {
        foreach (var path in Directory.EnumerateFiles(folder))
        {
            string name = Path.GetFileName(path);
            bool ours = name == WeightsFileName || name == SafeTensorsIndex.FileName || ShardName().IsMatch(name);
            if (ours && !written.Contains(name)) File.Delete(path);
        }
    }

    [GeneratedRegex(@"^model-\d{5}-of-\d{5}\.safetensors$")]
    private static partial Regex ShardName();
}
