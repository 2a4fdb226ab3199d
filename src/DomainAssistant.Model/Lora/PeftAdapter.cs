using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Modeling;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Lora;

/// <summary>
/// A LoRA adapter on disk as PEFT writes it: a folder with adapter_config.json and adapter_model.safetensors whose
/// keys name the module but not the adapter (base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight).
/// </summary>
public static class PeftAdapter
{
    public const string ConfigFileName = "adapter_config.json";
    public const string WeightsFileName = "adapter_model.safetensors";

    /// <summary>SHA-256 (lower-case hex) of the adapter's weights file: what lineage records, gate verdicts and the host name an adapter by.</summary>
    public static string WeightsSha256(string directory)
    {
        using var stream = File.OpenRead(Path.Combine(directory, WeightsFileName));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    /// <summary>Writes the adapter <paramref name="adapterName"/> of <paramref name="model"/> into <paramref name="directory"/> (created if needed).</summary>
    public static void Save(string directory, LlamaForCausalLM model, string adapterName)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(directory);
        var config = model.Adapters.Config(adapterName) with { InferenceMode = true };
        var tensors = model.AdapterParameters(adapterName).ToDictionary(p => p.Key, p => p.Parameter.detach(), StringComparer.Ordinal);
        try
        {
            SafeTensors.Save(Path.Combine(directory, WeightsFileName), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
        File.WriteAllText(Path.Combine(directory, ConfigFileName), config.ToJson());
    }

    /// <summary>Reads a PEFT adapter folder; the caller owns the tensors (keyed as in the file).</summary>
    /// <exception cref="FileNotFoundException">A file of the pair is missing.</exception>
    /// <exception cref="InvalidDataException">The config is invalid or unsupported, or the weights file is malformed.</exception>
    public static (LoraConfig Config, Dictionary<string, Tensor> Tensors) Read(string directory)
    {
        var configPath = Path.Combine(directory, ConfigFileName);
        var weightsPath = Path.Combine(directory, WeightsFileName);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"{configPath} not found: not a PEFT adapter folder.", configPath);
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"{weightsPath} not found (only safetensors adapters are read).", weightsPath);
        var config = LoraConfig.FromJson(File.ReadAllText(configPath), configPath);
        return (config, SafeTensors.Load(weightsPath));
    }

    /// <summary>Reads a PEFT adapter folder and attaches it to <paramref name="model"/> as <paramref name="adapterName"/> (base frozen).</summary>
    /// <returns>The adapter's config.</returns>
    /// <exception cref="InvalidDataException">The tensors do not match the config's target modules on this model (missing, extra or mis-shaped keys).</exception>
    public static LoraConfig Load(string directory, LlamaForCausalLM model, string adapterName)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (config, tensors) = Read(directory);
        try
        {
            model.Adapters.Add(adapterName, config, tensors, Path.Combine(directory, WeightsFileName));
            return config;
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
    }
}
