using System.Security.Cryptography;
using System.Text.Json;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Modeling;

namespace DomainAssistant.Alignment.RewardModeling;

/// <summary>What reward_model.json records: enough to rebuild the scorer and to tell it apart from any other.</summary>
/// <param name="BaseModelSha256">Checksum of the base model the adapter sits on (see Checksums.Model).</param>
/// <param name="HiddenSize">Width of the head's input.</param>
/// <param name="MaxLength">Longest prompt + answer it was trained to score.</param>
/// <param name="Checksum">SHA-256 over the adapter weights, adapter config and head (see <see cref="RewardModelFolder.Checksum"/>).</param>
public sealed record RewardModelConfig(string BaseModelSha256, int HiddenSize, int MaxLength, string Checksum)
{
    public string Kind { get; init; } = "reward-model";

    /// <summary>Where the score is read: the final hidden state of the last token.</summary>
    public string Pooling { get; init; } = "last_token";
}

/// <summary>
/// A reward model on disk: a PEFT adapter (adapter_config.json, adapter_model.safetensors, loadable over the base as
/// any adapter), the head in reward_head.safetensors (score.weight [1, hidden], score.bias [1]) and reward_model.json.
/// </summary>
public static class RewardModelFolder
{
    public const string HeadFileName = "reward_head.safetensors";
    public const string ConfigFileName = "reward_model.json";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Writes adapter, head and config; returns the checksum written into the config.</summary>
    public static string Save(string folder, RewardModel reward, string baseModelSha256, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(reward);
        PeftAdapter.Save(folder, reward.Model, reward.Adapter);
        var tensors = reward.Head.Tensors().ToDictionary(t => t.Key, t => t.Parameter.detach(), StringComparer.Ordinal);
        try
        {
            SafeTensors.Save(Path.Combine(folder, HeadFileName), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
        var checksum = Checksum(folder);
        var config = new RewardModelConfig(baseModelSha256, reward.Model.Config.HiddenSize, maxLength, checksum);
        File.WriteAllText(Path.Combine(folder, ConfigFileName), JsonSerializer.Serialize(config, Json));
        return checksum;
    }

    /// <summary>Reads the config, checking the files are the ones it was written with.</summary>
    /// <exception cref="InvalidDataException">Missing config, or the files no longer match its checksum.</exception>
    public static RewardModelConfig ReadConfig(string folder)
    {
        var path = Path.Combine(folder, ConfigFileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} not found: not a reward model folder (da align rm writes one).", path);
        var config = JsonSerializer.Deserialize<RewardModelConfig>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} is empty.");
        var actual = Checksum(folder);
        if (actual != config.Checksum) throw new InvalidDataException($"{folder}: the reward model's files have checksum {actual}, but {ConfigFileName} records {config.Checksum}: it was changed after training.");
        return config;
    }

    /// <summary>Attaches the reward adapter to <paramref name="model"/> as <paramref name="adapterName"/> and loads the head.</summary>
    public static RewardModel Load(string folder, LlamaForCausalLM model, string adapterName)
    {
        using var stored = StoredRewardModel.Read(folder);
        return stored.AttachTo(model, adapterName);
    }

    /// <summary>SHA-256 over the names and bytes of adapter_config.json, adapter_model.safetensors and the head file.</summary>
    public static string Checksum(string folder)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var name in new[] { PeftAdapter.ConfigFileName, PeftAdapter.WeightsFileName, HeadFileName })
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name + "\0"));
            hash.AppendData(File.ReadAllBytes(Path.Combine(folder, name)));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
