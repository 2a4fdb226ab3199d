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

    /// <summary>Serving copies of frozen adapters' factors for decoding steps (see <see cref="Decode"/>), by adapter,
    /// made the first time an adapter is decoded and dropped when it changes or goes.</summary>
    readonly Dictionary<string, LowRankFactors> _serving = new(StringComparer.Ordinal);

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
        DropServing(name);
    }

    /// <summary>Marks an adapter's factors as changeable (<see cref="LoraFactors.Frozen"/>) and drops its serving copy.</summary>
    internal void Unfreeze(string name)
    {
        if (!_adapters.TryGetValue(name, out var factors)) return;
        factors.Unfreeze();
        DropServing(name);
    }

    void DropServing(string name)
    {
        if (_serving.Remove(name, out var copy)) copy.Dispose();
    }

    void DropAllServing()
    {
        foreach (var copy in _serving.Values) copy.Dispose();
        _serving.Clear();
    }

    /// <summary>Detaches and disposes an adapter; false when it was not attached here.</summary>
    public bool RemoveAdapter(string name)
    {
        if (!_adapters.Remove(name, out var factors)) return false;
        factors.Dispose();
        DropServing(name);
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
    /// kernel call, each row through its own adapter only, over the adapters' bf16 serving copies
    /// (<see cref="LowRankLinear"/>; figures: bench/RESULTS.md, "one kernel call").
    /// </summary>
    /// <param name="input">[batch, 1, in] (or [batch, in]).</param>
    /// <param name="routing">Which adapter each row goes through.</param>
    /// <returns>[batch, 1, out], or null where the kernel does not take this step (a prefill, another dtype or
    /// device, autograd on, an adapter not attached here or not frozen), which then goes adapter by adapter.</returns>
    Tensor? Decode(Tensor input, AdapterRouting routing)
    {
        // Ruled out before anything is made: a prefill, autograd on, a layer too small or of a kind the kernel does not take.
        if (routing.BatchRows > SmallBatchLinear.MaxRows || input.numel() != routing.BatchRows * InFeatures || !SmallBatchLinear.Applies(input, weight, bias)) return null;
        var groups = routing.Groups;
        var factors = new List<LowRankFactors>(groups.Count);
        var blocks = new List<(int Rank, float Scaling, int[] Rows)>(groups.Count);
        for (var i = 0; i < groups.Count; i++)
        {
            // An adapter that does not target this layer adds nothing here: its rows take the base alone.
            if (!_adapters.TryGetValue(groups[i].Adapter, out var adapter)) continue;
            if (Serving(groups[i].Adapter, adapter) is not { } copy) return null;
            factors.Add(copy);
            blocks.Add((copy.Rank, (float)adapter.Scaling, routing.GroupRows[i]));
        }
        var rows = new LowRankBlocks(blocks, routing.BatchRows);
        return LowRankLinear.Fits(input, weight, factors, rows) ? LowRankLinear.Compute(input, weight, bias, Panels, factors, rows) : null;
    }

    /// <summary>An adapter's serving copy, made on first use; null while its factors can change or are of a kind the kernel does not take.</summary>
    LowRankFactors? Serving(string name, LoraFactors factors)
    {
        if (_serving.TryGetValue(name, out var copy)) return copy;
        if (!factors.Frozen || !LowRankFactors.Takes(factors.A)) return null;
        copy = LowRankFactors.Of(factors.A, factors.B);
        _serving[name] = copy;
        return copy;
    }

    protected override nn.Module _to(ScalarType dtype, bool non_blocking)
    {
        DropAllServing();
        foreach (var factors in _adapters.Values) factors.MoveTo(dtype, null);
        return base._to(dtype, non_blocking);
    }

    protected override nn.Module _to(Device device, ScalarType dtype, bool non_blocking)
    {
        DropAllServing();
        foreach (var factors in _adapters.Values) factors.MoveTo(dtype, device);
        return base._to(device, dtype, non_blocking);
    }

    protected override nn.Module _to(DeviceType deviceType, int deviceIndex, bool non_blocking)
    {
        DropAllServing();
        foreach (var factors in _adapters.Values) factors.MoveTo(null, new Device(deviceType, deviceIndex));
        return base._to(deviceType, deviceIndex, non_blocking);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var factors in _adapters.Values) factors.Dispose();
            _adapters.Clear();
            DropAllServing();
            Panels?.Dispose();
            Panels = null;
        }
        base.Dispose(disposing);
    }
}
