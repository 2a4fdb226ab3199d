using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Modeling;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.Policy;

/// <summary>
/// A PEFT adapter folder read into memory, to attach to a model as often as a run needs (the policy and its frozen
/// reference are two copies of one starting adapter) without the trainer reading the folder again.
/// </summary>
public sealed class AdapterWeights : IDisposable
{
    readonly Dictionary<string, Tensor> _tensors;

    AdapterWeights(string folder, LoraConfig config, Dictionary<string, Tensor> tensors)
    {
        Folder = folder;
        Config = config;
        _tensors = tensors;
    }

    /// <summary>The folder as given.</summary>
    public string Folder { get; }

    public LoraConfig Config { get; }

    /// <summary>Reads adapter_config.json and adapter_model.safetensors (see <see cref="PeftAdapter.Read"/>).</summary>
    public static AdapterWeights Read(string folder)
    {
        var (config, tensors) = PeftAdapter.Read(folder);
        return new AdapterWeights(folder, config, tensors);
    }

    /// <summary>Attaches a copy as <paramref name="name"/> (base frozen); returns its config.</summary>
    /// <exception cref="InvalidDataException">The tensors do not fit this model's target modules.</exception>
    public LoraConfig AttachTo(LlamaForCausalLM model, string name)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Adapters.Add(name, Config, _tensors, Path.Combine(Folder, PeftAdapter.WeightsFileName));
        return Config;
    }

    public void Dispose()
    {
        foreach (var tensor in _tensors.Values) tensor.Dispose();
    }
}
