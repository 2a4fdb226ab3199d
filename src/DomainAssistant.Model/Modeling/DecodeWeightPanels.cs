using DomainAssistant.Model.Kernels;
using DomainAssistant.Model.Lora;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Modeling;

/// <summary>
/// Panel copies (<see cref="WeightPanels"/>) of a model's float32 linear weights and head, built when the first lease
/// opens and freed when the last one closes.
/// </summary>
/// <remarks>
/// Batched decoding reads every weight once per step for all rows; from <see cref="SmallBatchLinear.MinPanelRows"/>
/// rows the panel layout reads it faster (<see cref="PanelLinear"/>), at the cost of a second copy of those weights
/// in memory while a lease is open. Panels are a snapshot: the model rebuilds them when it is moved, cast or loads
/// weights; code that changes base weights in place (full fine-tuning) must not hold a lease. Adapters are applied
/// on their own and may come and go.
/// </remarks>
internal sealed class DecodeWeightPanels(LlamaForCausalLM model, Func<Tensor> headWeight) : IDisposable
{
    readonly Lock _gate = new();
    int _leases;

    /// <summary>The head's panels while a lease is open and the head takes them; else null.</summary>
    public WeightPanels? Head { get; private set; }

    /// <summary>Native memory the panels hold now.</summary>
    public long Bytes => Linears().Sum(l => l.Panels?.Bytes ?? 0) + (Head?.Bytes ?? 0);

    public IDisposable Lease()
    {
        lock (_gate)
        {
            if (_leases++ == 0) Build();
        }
        return new Release(this);
    }

    /// <summary>Rebuilds the panels from the weights as they are now, if any lease is open.</summary>
    public void Refresh()
    {
        lock (_gate)
        {
            if (_leases == 0) return;
            Free();
            Build();
        }
    }

    IEnumerable<LoraLinear> Linears() => model.modules().OfType<LoraLinear>();

    void Build()
    {
        foreach (var linear in Linears())
            if (SmallBatchLinear.TakesPanels(linear.Weight)) linear.Panels = new WeightPanels(linear.Weight);
        var head = headWeight();
        if (SmallBatchLinear.TakesPanels(head)) Head = new WeightPanels(head);
    }

    void Free()
    {
        foreach (var linear in Linears())
        {
            linear.Panels?.Dispose();
            linear.Panels = null;
        }
        Head?.Dispose();
        Head = null;
    }

    /// <summary>Frees the panels with the model; leases still open then hold nothing.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            Free();
            _leases = 0;
        }
    }

    void Close()
    {
        lock (_gate)
        {
            if (_leases > 0 && --_leases == 0) Free();
        }
    }

    sealed class Release(DecodeWeightPanels owner) : IDisposable
    {
        int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0) owner.Close();
        }
    }
}
