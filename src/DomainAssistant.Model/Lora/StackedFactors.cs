using static TorchSharp.torch;

namespace DomainAssistant.Model.Lora;

/// <summary>
/// Several adapters' frozen factors of one layer side by side, in <see cref="Layout"/> order: A stacked by rows
/// ([Σr, in]) and B by columns ([out, Σr]), so one product serves every adapter of a mixed batch. A copy: valid only
/// while the factors cannot change (<see cref="LoraFactors.Frozen"/>).
/// </summary>
public sealed class StackedFactors : IDisposable
{
    StackedFactors(AdapterLayout layout, Tensor a, Tensor b)
    {
        Layout = layout;
        A = a;
        B = b;
    }

    public AdapterLayout Layout { get; }

    /// <summary>[Σr, in].</summary>
    public Tensor A { get; }

    /// <summary>[out, Σr].</summary>
    public Tensor B { get; }

    /// <summary>Whether these are the factors of exactly <paramref name="groups"/>' adapters, in their order.</summary>
    public bool Serves(IReadOnlyList<AdapterRows> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var blocks = Layout.Blocks;
        if (blocks.Count != groups.Count) return false;
        for (var i = 0; i < blocks.Count; i++)
            if (!string.Equals(blocks[i].Adapter, groups[i].Adapter, StringComparison.Ordinal)) return false;
        return true;
    }

    public static StackedFactors Of(AdapterLayout layout, IReadOnlyList<LoraFactors> factors)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(factors);
        using var noGrad = no_grad();
        // Owned by the layer across forwards, not by the scope of the forward that built them.
        var a = cat([.. factors.Select(f => (Tensor)f.A)], 0).contiguous().DetachFromDisposeScope();
        var b = cat([.. factors.Select(f => (Tensor)f.B)], 1).contiguous().DetachFromDisposeScope();
        return new StackedFactors(layout, a, b);
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
