using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Kernels;

/// <summary>
/// One adapter's factors of one layer as the decoding kernel reads them (<see cref="LowRankLinear"/>): A [r, in] and
/// B in up-projection panels (<see cref="UpPanels"/>), both bfloat16. A copy, valid while the factors it was made from
/// cannot change; each adapter has its own, so a batch's mix of adapters can change from step to step without
/// building anything.
/// </summary>
/// <remarks>
/// bfloat16 because decoding is bound by reading weights: the copy halves the reads, and the kernel widens each weight
/// exactly (bf16 is float32's upper half) and keeps the activations and sums in float32. The rounding (8 bits of
/// mantissa, a relative 2^-9 at most per weight) perturbs the adapter's delta slightly; its own float32 factors,
/// which training and prefills use, are untouched.
/// </remarks>
public sealed class LowRankFactors : IDisposable
{
    LowRankFactors(Tensor a, Tensor upPanels, int rank, int inFeatures, int outFeatures)
    {
        A = a;
        UpPanels = upPanels;
        Rank = rank;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
    }

    /// <summary>[r, in] bfloat16.</summary>
    public Tensor A { get; }

    /// <summary>B's panels, [⌈out / P⌉, r, P] bfloat16 with P = <see cref="LowRankLinear.PanelWidth"/>: panel p holds
    /// output columns [pP, pP + P) of every rank side by side (zeros past the last column).</summary>
    public Tensor UpPanels { get; }

    // Kept as numbers: the kernel checks them on every decoding step, and a tensor's shape is a native call.
    public int Rank { get; }

    public int InFeatures { get; }

    public int OutFeatures { get; }

    /// <summary>Whether the kernel serves factors like these: float32 on the CPU, an input width it takes, on a
    /// machine where it runs.</summary>
    /// <param name="a">[r, in].</param>
    public static bool Takes(Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return LowRankLinear.PanelWidth > 0
            && a.dtype == ScalarType.Float32 && a.device_type == DeviceType.CPU
            && a.dim() == 2 && a.shape[1] % SmallBatchLinear.Lanes == 0;
    }

    /// <summary>The serving copy of one adapter's factors.</summary>
    /// <param name="a">[r, in] float32 (<see cref="Takes"/>).</param>
    /// <param name="b">[out, r] float32.</param>
    public static LowRankFactors Of(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!Takes(a)) throw new ArgumentException($"the decoding kernel does not take lora_A {a.dtype} [{string.Join(", ", a.shape)}] on {a.device} (float32 on the CPU, an input width a multiple of {SmallBatchLinear.Lanes}, AVX-512 or AVX2 with FMA).", nameof(a));
        if (b.dim() != 2 || b.shape[1] != a.shape[0])
            throw new ArgumentException($"lora_B [{string.Join(", ", b.shape)}] does not fit lora_A [{string.Join(", ", a.shape)}].", nameof(b));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope(); // the casts and reshapes in between
        int width = LowRankLinear.PanelWidth;
        long outFeatures = b.shape[0], rank = b.shape[1], panels = (outFeatures + width - 1) / width;
        var padded = nn.functional.pad(b, [0, 0, 0, panels * width - outFeatures]);                     // [panels P, r]
        var up = padded.reshape(panels, width, rank).permute(0, 2, 1).to_type(ScalarType.BFloat16);   // [panels, r, P]
        // Rounded to nearest; owned by the layer across forwards, not by the scope of the call that built them.
        return new LowRankFactors(a.to_type(ScalarType.BFloat16).contiguous().DetachFromDisposeScope(), up.contiguous().DetachFromDisposeScope(),
            (int)rank, (int)a.shape[1], (int)outFeatures);
    }

    public void Dispose()
    {
        A.Dispose();
        UpPanels.Dispose();
    }
}
