using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Lora;

/// <summary>
/// The named LoRA adapters resident over one base model: attach (fresh or from saved factors), detach, enumerate
/// one adapter's trainable tensors under PEFT keys, and merge one into the base for export.
/// </summary>
/// <remarks>PEFT keys name the module without the adapter: base_model.model.{module path}.lora_A.weight.</remarks>
public sealed class LoraAdapters
{
    const string PeftPrefix = "base_model.model.";

    readonly nn.Module _root;
    readonly Dictionary<string, LoraConfig> _configs = new(StringComparer.Ordinal);
    IReadOnlyList<(string Path, LoraLinear Layer)>? _layers;

    /// <param name="root">The model whose <see cref="LoraLinear"/> layers carry the adapters; paths are relative to it.</param>
    public LoraAdapters(nn.Module root) => _root = root;

    public IReadOnlyCollection<string> Names => _configs.Keys;

    public bool Contains(string name) => _configs.ContainsKey(name);

    public LoraConfig Config(string name) =>
        _configs.TryGetValue(name, out var config) ? config : throw new KeyNotFoundException($"no adapter named '{name}' is attached.");

    /// <summary>Every LoRA-capable layer with its module path (model.layers.0.self_attn.q_proj, ...).</summary>
    public IReadOnlyList<(string Path, LoraLinear Layer)> Layers =>
        _layers ??= _root.named_modules().Where(m => m.module is LoraLinear).Select(m => (m.name, (LoraLinear)m.module)).ToList();

    /// <summary>Attaches a fresh adapter as PEFT initialises one (A Kaiming-uniform from <paramref name="seed"/>, B zeros) and freezes the base.</summary>
    public void Add(string name, LoraConfig config, long seed)
    {
        var targets = Begin(name, config);
        using var generator = new Generator(unchecked((ulong)seed), CPU);
        foreach (var (_, layer) in targets)
        {
            layer.AddAdapter(name, LoraFactors.Initialise(layer.InFeatures, layer.OutFeatures, config.R, config.Scaling,
                config.LoraDropout, generator, layer.Weight.dtype, layer.Weight.device));
        }
        Finish(name, config);
    }

    /// <summary>Attaches saved factors given under PEFT keys (every targeted layer's lora_A and lora_B, nothing else) and freezes the base.</summary>
    /// <param name="name">Adapter name, unique on this model.</param>
    /// <param name="config">Rank, alpha, targets; validated.</param>
    /// <param name="peftTensors">Factors by PEFT key (base_model.model.{module}.lora_A.weight, ...).</param>
    /// <param name="source">Names the origin (a file) in error messages.</param>
    public void Add(string name, LoraConfig config, IReadOnlyDictionary<string, Tensor> peftTensors, string source)
    {
        ArgumentNullException.ThrowIfNull(peftTensors);
        var targets = Begin(name, config);
        var expected = targets.SelectMany(t => new[] { KeyA(t.Path), KeyB(t.Path) }).ToHashSet(StringComparer.Ordinal);
        var unexpected = peftTensors.Keys.Where(k => !expected.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unexpected.Count > 0)
            throw new InvalidDataException($"{source}: {unexpected.Count} key(s) do not belong to this adapter's target_modules ({config.TargetModules}), e.g. '{unexpected[0]}'.");
        foreach (var (path, layer) in targets)
        {
            var a = Factor(peftTensors, KeyA(path), [config.R, layer.InFeatures], source);
            var b = Factor(peftTensors, KeyB(path), [layer.OutFeatures, config.R], source);
            using var a1 = a.to(layer.Weight.dtype, layer.Weight.device);
            using var b1 = b.to(layer.Weight.dtype, layer.Weight.device);
            layer.AddAdapter(name, new LoraFactors(new Parameter(a1.detach().clone()), new Parameter(b1.detach().clone()), config.Scaling, config.LoraDropout));
        }
        Finish(name, config);
    }

    /// <summary>Detaches and disposes an adapter.</summary>
    public void Remove(string name)
    {
        if (!_configs.Remove(name)) throw new KeyNotFoundException($"no adapter named '{name}' is attached.");
        foreach (var (_, layer) in Layers) layer.RemoveAdapter(name);
    }

    /// <summary>
    /// An adapter's tensors under PEFT keys, in module order: what an optimizer trains and what PEFT saves. Handing
    /// them out unfreezes the adapter (<see cref="LoraFactors.Frozen"/>): whoever holds them may change them in place.
    /// </summary>
    public IEnumerable<(string Key, Parameter Parameter)> Parameters(string name)
    {
        _ = Config(name);
        foreach (var (path, layer) in Layers)
        {
            if (!layer.Adapters.TryGetValue(name, out var factors)) continue;
            layer.Unfreeze(name);
            yield return (KeyA(path), factors.A);
            yield return (KeyB(path), factors.B);
        }
    }

    /// <summary>
    /// The base's Hugging Face weights with the adapter folded in, W + scaling * B A (computed in float32, stored in
    /// W's dtype). Every tensor is a new copy the caller owns; the model is unchanged.
    /// </summary>
    public Dictionary<string, Tensor> MergedWeights(string name)
    {
        Config(name);
        var factorsByWeight = Layers
            .Where(l => l.Layer.Adapters.ContainsKey(name))
            .ToDictionary(l => l.Path + ".weight", l => l.Layer.Adapters[name], StringComparer.Ordinal);
        var merged = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var noGrad = no_grad();
        foreach (var (key, weight) in _root.named_parameters())
        {
            if (!factorsByWeight.TryGetValue(key, out var factors))
            {
                merged[key] = weight.detach().clone();
                continue;
            }
            using var scope = NewDisposeScope();
            var update = factors.B.to_type(ScalarType.Float32).matmul(factors.A.to_type(ScalarType.Float32)); // [out, in]
            merged[key] = weight.to_type(ScalarType.Float32).add(update, factors.ScalingScalar).to_type(weight.dtype).MoveToOuterDisposeScope();
        }
        return merged;
    }

    /// <summary>The PEFT key of a module's lora_A weight.</summary>
    public static string KeyA(string modulePath) => $"{PeftPrefix}{modulePath}.lora_A.weight";

    /// <summary>The PEFT key of a module's lora_B weight.</summary>
    public static string KeyB(string modulePath) => $"{PeftPrefix}{modulePath}.lora_B.weight";

    List<(string Path, LoraLinear Layer)> Begin(string name, LoraConfig config)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (_configs.ContainsKey(name)) throw new ArgumentException($"an adapter named '{name}' is already attached.", nameof(name));
        var targets = Layers.Where(l => config.TargetModules.Matches(l.Path)).ToList();
        if (targets.Count == 0) throw new ArgumentException($"target_modules ({config.TargetModules}) matches no layer of this model.", nameof(config));
        return targets;
    }

    void Finish(string name, LoraConfig config)
    {
        _configs[name] = config;
        foreach (var parameter in _root.parameters()) parameter.requires_grad = false;
    }

    static Tensor Factor(IReadOnlyDictionary<string, Tensor> tensors, string key, long[] shape, string source)
    {
        if (!tensors.TryGetValue(key, out var tensor)) throw new InvalidDataException($"{source}: missing '{key}'.");
        if (!tensor.shape.SequenceEqual(shape))
            throw new InvalidDataException($"{source}: '{key}' has shape [{string.Join(", ", tensor.shape)}], expected [{string.Join(", ", shape)}].");
        if (!tensor.is_floating_point()) throw new InvalidDataException($"{source}: '{key}' has dtype {tensor.dtype}; a floating-point tensor is expected.");
        return tensor;
    }
}
