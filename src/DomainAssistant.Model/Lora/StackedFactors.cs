using DomainAssistant.Model.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Lora;

/// <summary>
/// Several adapters' frozen factors of one layer side by side, in <see cref="Layout"/> order, laid out for the kernel
/// that serves a mixed decoding batch in one call (<see cref="LowRankLinear"/>): A stacked by rows ([Σr, in]) and B
/// in up-projection panels (<see cref="UpPanels"/>). A copy: valid only while the factors cannot change
/// (<see cref="LoraFactors.Frozen"/>).
/// </summary>
/// <remarks>
/// The copy is bfloat16: it serves only inference (no autograd), where decoding is bound by reading weights, and a
/// bf16 factor halves those reads while the kernel keeps the activations and the sums in float32. The rounding
/// (8 bits of mantissa) perturbs the adapters' deltas slightly; the adapters' own parameters, which training,
/// prefills and single-adapter batches use, stay float32.
/// </remarks>
public sealed class StackedFactors : IDisposable
{
    StackedFactors(AdapterLayout layout, Tensor a, Tensor upPanels)
    {
        Layout = layout;
        A = a;
        UpPanels = upPanels;
    }

    public AdapterLayout Layout { get; }

    /// <summary>[Σr, in] bfloat16.</summary>
    public Tensor A { get; }

    /// <summary>B's panels, [⌈out / P⌉, Σr, P] bfloat16 with P = <see cref="LowRankLinear.PanelWidth"/>: panel p holds
    /// output columns [pP, pP + P) of every rank side by side (zeros past the last column).</summary>
    public Tensor UpPanels { get; }

    /// <summary>Whether the kernel can serve factors of this layer: float32 on the CPU, an input width it takes.</summary>
    /// <param name="factors">Any one adapter's factors of the layer.</param>
    public static bool CanServe(LoraFactors factors)
    {
        ArgumentNullException.ThrowIfNull(factors);
        return LowRankLinear.PanelWidth > 0
            && factors.A.dtype == ScalarType.Float32 && factors.A.device_type == DeviceType.CPU
            && factors.A.shape[1] % SmallBatchLinear.Lanes == 0;
    }

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

    /// <param name="layout">The adapters' order, ranks and scalings.</param>
    /// <param name="factors">Their factors, in that order, each <see cref="CanServe"/>.</param>
    public static StackedFactors Of(AdapterLayout layout, IReadOnlyList<LoraFactors> factors)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(factors);
        if (LowRankLinear.PanelWidth == 0) throw new InvalidOperationException("stacked factors serve the low-rank kernel, which needs AVX-512 or AVX2 with FMA; this machine has neither.");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope(); // the concatenations and casts in between
        var a = cat([.. factors.Select(f => (Tensor)f.A)], 0).to_type(ScalarType.BFloat16);               // [Σr, in]
        var b = cat([.. factors.Select(f => (Tensor)f.B)], 1);                                             // [out, Σr]
        int width = LowRankLinear.PanelWidth;
        long outFeatures = b.shape[0], ranks = b.shape[1], panels = (outFeatures + width - 1) / width;
        var padded = nn.functional.pad(b, [0, 0, 0, panels * width - outFeatures]);                        // [panels P, Σr]
        var up = padded.reshape(panels, width, ranks).permute(0, 2, 1).to_type(ScalarType.BFloat16);      // [panels, Σr, P]
        // Rounded to nearest; owned by the layer across forwards, not by the scope of the forward that built them.
        return new StackedFactors(layout, a.contiguous().DetachFromDisposeScope(), up.contiguous().DetachFromDisposeScope());
    }

    public void Dispose()
    {
        A.Dispose();
        UpPanels.Dispose();
    }
}
