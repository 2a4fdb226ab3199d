using DomainAssistant.Alignment.Lineage;
using DomainAssistant.Alignment.Policy;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Modeling;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.RewardModeling;

/// <summary>
/// A reward model folder (<see cref="RewardModelFolder"/>) read into memory: its checked config, adapter and head, to
/// attach to the model that scores with it. RLOO's callers read it; the trainer attaches it to the policy's base.
/// </summary>
public sealed class StoredRewardModel : IDisposable
{
    readonly AdapterWeights _adapter;
    readonly Dictionary<string, Tensor> _head;

    StoredRewardModel(string folder, RewardModelConfig config, AdapterWeights adapter, Dictionary<string, Tensor> head)
    {
        Folder = folder;
        Config = config;
        _adapter = adapter;
        _head = head;
    }

    /// <summary>The folder as given.</summary>
    public string Folder { get; }

    public RewardModelConfig Config { get; }

    /// <summary>The reward model as lineage names it: the full path and the checksum its config records.</summary>
    public ArtefactLineage Lineage => new(Path.GetFullPath(Folder), Config.Checksum);

    /// <summary>Reads the config (checking the files are the ones it was written with), the adapter and the head.</summary>
    /// <exception cref="InvalidDataException">Missing config, or the files no longer match its checksum.</exception>
    public static StoredRewardModel Read(string folder)
    {
        var config = RewardModelFolder.ReadConfig(folder);
        var adapter = AdapterWeights.Read(folder);
        try
        {
            return new StoredRewardModel(folder, config, adapter, SafeTensors.Load(Path.Combine(folder, RewardModelFolder.HeadFileName)));
        }
        catch
        {
            adapter.Dispose();
            throw;
        }
    }

    /// <summary>Attaches the reward adapter to <paramref name="model"/> as <paramref name="adapterName"/> and builds the head, in eval mode.</summary>
    /// <exception cref="InvalidDataException">The head reads another hidden size than the model's.</exception>
    public RewardModel AttachTo(LlamaForCausalLM model, string adapterName)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (Config.HiddenSize != model.Config.HiddenSize)
            throw new InvalidDataException($"{Folder}: the reward head reads hidden size {Config.HiddenSize}; this model's is {model.Config.HiddenSize}.");
        _adapter.AttachTo(model, adapterName);
        var head = new RewardHead(Config.HiddenSize, seed: 0);
        head.Load(_head, Path.Combine(Folder, RewardModelFolder.HeadFileName));
        head.eval();
        return new RewardModel(model, adapterName, head);
    }

    public void Dispose()
    {
        _adapter.Dispose();
        foreach (var tensor in _head.Values) tensor.Dispose();
    }
}
