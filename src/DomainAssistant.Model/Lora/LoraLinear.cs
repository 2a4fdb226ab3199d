using DomainAssistant.Model.Kernels;
using DomainAssistant.Model.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Lora;

/// <summary>
/// A linear layer (y = x W^T + b, weight [out, in] as Hugging Face stores it) that can carry any number of named
/// LoRA adapters over its one base weight. Each forward picks, per row, which adapter (or none) to add.
/// </summary>
/// <remarks>
/// Adapters are kept outside the module's registered parameters, so <c>parameters()</c> and <c>state_dict()</c>
/// hold exactly the base model's Hugging Face weights and adapters can come and go at run time.
/// Moving or casting the module (<c>to(...)</c>) moves its adapters too.
/// </remarks>
public sealed class LoraLinear : nn.Module<Tensor, AdapterRouting, Tensor>
{
    readonly Parameter weight;
    readonly Parameter? bias;
    readonly Dictionary<string, LoraFactors> _adapters = new(StringComparer.Ordinal);

    /// <summary>The frozen factors of the adapters a decoding batch routes through, stacked (see <see cref="Decode"/>), for the last set of adapters seen.</summary>
    StackedFactors? _stacked;

    public LoraLinear(long inFeatures, long outFeatures, bool hasBias) : base(nameof(LoraLinear))
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        weight = new Parameter(empty(outFeatures, inFeatures));
        bias = hasBias ? new Parameter(zeros(outFeatures)) : null;
        RegisterComponents();
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }

    /// <summary>The base weight [out, in].</summary>
    public Parameter Weight => weight;

    /// <summary>The base bias [out], or null.</summary>
    public Parameter? Bias => bias;

    public IReadOnlyDictionary<string, LoraFactors> Adapters => _adapters;

    /// <summary>A panel copy of the base weight for batched decoding, while the model holds one (<see cref="LlamaForCausalLM.LeaseWeightPanels"/>).</summary>
    internal WeightPanels? Panels { get; set; }

    /// <summary>Attaches factors under a name; they must fit this layer's shape.</summary>
    public void AddAdapter(string name, LoraFactors factors)
    {
        if (factors.A.shape[1] != InFeatures || factors.B.shape[0] != OutFeatures)
            throw new ArgumentException($"adapter '{name}' has lora_A [{string.Join(", ", factors.A.shape)}] and lora_B [{string.Join(", ", factors.B.shape)}]; this layer is {InFeatures} -> {OutFeatures}.");
        if (!_adapters.TryAdd(name, factors)) throw new ArgumentException($"adapter '{name}' is already attached.", nameof(name));
        DropStacked();
    }

    /// <summary>Marks an adapter's factors as changeable (<see cref="LoraFactors.Frozen"/>) and drops any stacked copy of them.</summary>
    internal void Unfreeze(string name)
    {
        if (!_adapters.TryGetValue(name, out var factors)) return;
        factors.Unfreeze();
        DropStacked();
    }

    void DropStacked()
    {
        _stacked?.Dispose();
        _stacked = null;
    }

    /// <summary>Detaches and disposes an adapter; false when it was not attached here.</summary>
    public bool RemoveAdapter(string name)
    {
        if (!_adapters.Remove(name, out var factors)) return false;
        factors.Dispose();
        DropStacked();
        return true;
    }

    /// <param name="input">[B, T, in].</param>
    /// <param name="routing">Which rows get which adapter; adapters this layer does not carry add nothing.</param>
    /// <returns>[B, T, out].</returns>
    public override Tensor forward(Tensor input, AdapterRouting routing)
    {
        if (routing.IsEmpty || _adapters.Count == 0) return SmallBatchLinear.Linear(input, weight, bias, Panels);
        if (Decode(input, routing) is { } served) return served;
        using var scope = NewDisposeScope();
        var output = SmallBatchLinear.Linear(input, weight, bias, Panels);
        foreach (var group in routing.Groups)
        {
            if (!_adapters.TryGetValue(group.Adapter, out var factors)) continue;
            // Out-of-place adds keep autograd simple when the frozen base output needs no gradient but the delta does.
            if (group.Rows is null)
            {
                output = output.add(factors.Delta(input, training), factors.ScalingScalar);
            }
            else
            {
                var delta = factors.Delta(input.index_select(0, group.Rows), training);
                output = output.index_add(0, group.Rows, delta, factors.ScalingScalar);
            }
        }
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A decoding step at inference, whether its rows share one adapter or mix several (and the base alone): one
    /// kernel call over every routed adapter's factors stacked, each row through its own adapter only
    /// (<see cref="LowRankLinear"/>). For one adapter it also saves the separate products' calls (figures:
    /// bench/RESULTS.md, "one kernel call").
    /// </summary>
    /// <param name="input">[batch, 1, in] (or [batch, in]).</param>
    /// <param name="routing">Which adapter each row goes through.</param>
    /// <returns>[batch, 1, out], or null where the kernel does not take this step (a prefill, another dtype or
    /// device, autograd on, or an adapter not frozen), which then goes adapter by adapter.</returns>
    Tensor? Decode(Tensor input, AdapterRouting routing)
    {
        if (is_grad_enabled() || Stacked(routing) is not { } stacked) return null;
        var blocks = routing.Blocks(stacked.Layout);
        return LowRankLinear.Applies(input, weight, bias, stacked.A, stacked.UpPanels, blocks)
            ? LowRankLinear.Compute(input, weight, bias, Panels, stacked.A, stacked.UpPanels, blocks)
            : null;
    }

    /// <summary>The stacked factors for the routing's adapters, when every one is attached here, frozen, and of a kind
    /// the kernel serves; null otherwise.</summary>
    /// <remarks>Asked by every layer on every step: the kept copy is reused without building anything while the same
    /// adapters are routed (unfreezing or changing an adapter drops it).</remarks>
    StackedFactors? Stacked(AdapterRouting routing)
    {
        if (_stacked is { } kept && kept.Serves(routing.Groups)) return kept;
        var factors = new LoraFactors[routing.Groups.Count];
        for (var i = 0; i < factors.Length; i++)
        {
            if (!_adapters.TryGetValue(routing.Groups[i].Adapter, out var f) || !f.Frozen || !StackedFactors.CanServe(f)) return null;
            factors[i] = f;
        }
        DropStacked();
        _stacked = StackedFactors.Of(AdapterLayout.Of(routing.Groups.Select((g, i) => (g.Adapter, factors[i].Rank, factors[i].Scaling))), factors);
        return _stacked;
    }

    protected override nn.Module _to(ScalarType dtype, bool non_blocking)
    {
        DropStacked();
        foreach (var factors in _adapters.Values) factors.MoveTo(dtype, null);
        return base._to(dtype, non_blocking);
    }

    protected override nn.Module _to(Device device, ScalarType dtype, bool non_blocking)
    {
        DropStacked();
        foreach (var factors in _adapters.Values) factors.MoveTo(dtype, device);
        return base._to(device, dtype, non_blocking);
    }

    protected override nn.Module _to(DeviceType deviceType, int deviceIndex, bool non_blocking)
    {
        DropStacked();
        foreach (var factors in _adapters.Values) factors.MoveTo(null, new Device(deviceType, deviceIndex));
        return base._to(deviceType, deviceIndex, non_blocking);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var factors in _adapters.Values) factors.Dispose();
            _adapters.Clear();
            DropStacked();
            Panels?.Dispose();
            Panels = null;
        }
        base.Dispose(disposing);
    }
}
