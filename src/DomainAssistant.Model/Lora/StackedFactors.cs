using DomainAssistant.Model.Kernels;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Lora;

/// <summary>
/// Several adapters' frozen factors of one layer side by side, in <see cref="Layout"/> order: A stacked by rows
/// ([Σr, in]) and B by columns ([out, Σr]), so one product serves every adapter of a mixed batch. A copy: valid only
/// while the factors cannot change (<see cref="LoraFactors.Frozen"/>).
/// </summary>
/// <remarks>
/// A stacked factor that the small-batch kernel takes (<see cref="SmallBatchLinear.TakesBFloat16Factor"/>) is kept
/// in bfloat16: this copy serves only inference (no autograd), where decoding is bound by reading weights, and a
/// bf16 factor halves those reads while the kernel keeps the activations and the sums in float32. The rounding
/// (8 bits of mantissa) perturbs the adapters' deltas slightly; the adapters' own parameters, which training and
/// single-adapter batches use, stay float32. Factors the kernel does not take (too small, odd widths, neither AVX-512 nor AVX2,
/// another dtype or device) are copied as they are.
/// </remarks>
public sealed class StackedFactors : IDisposable
{
    StackedFactors(AdapterLayout layout, Tensor a, Tensor b)
    {
        Layout = layout;
        A = a;
        B = b;
    }

    public AdapterLayout Layout { get; }

    /// <summary>[Σr, in]: bfloat16 where <see cref="SmallBatchLinear.TakesBFloat16Factor"/>, else the factors' dtype.</summary>
    public Tensor A { get; }

    /// <summary>[out, Σr]: bfloat16 where <see cref="SmallBatchLinear.TakesBFloat16Factor"/>, else the factors' dtype.</summary>
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
        using var scope = NewDisposeScope(); // the concatenations and casts in between
        // Owned by the layer across forwards, not by the scope of the forward that built them.
        var a = ForServing(cat([.. factors.Select(f => (Tensor)f.A)], 0)).DetachFromDisposeScope();
        var b = ForServing(cat([.. factors.Select(f => (Tensor)f.B)], 1)).DetachFromDisposeScope();
        return new StackedFactors(layout, a, b);
    }

    /// <param name="stacked">[rows, columns].</param>
    /// <returns>[rows, columns], contiguous: bfloat16 (rounded to nearest) where the kernel takes it, else as given.</returns>
    static Tensor ForServing(Tensor stacked) =>
        SmallBatchLinear.TakesBFloat16Factor(stacked) ? stacked.to_type(ScalarType.BFloat16).contiguous() : stacked.contiguous();

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
