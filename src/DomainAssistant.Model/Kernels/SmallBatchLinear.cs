using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Kernels;

/// <summary>
/// y = x W^T + b for a handful of float32 rows (decoding), reading each weight once for all rows.
/// </summary>
/// <remarks>
/// Decoding multiplies 1-8 activation rows by every weight matrix, so the step is bound by reading the weights.
/// libtorch hands 1 row to MKL's matrix-vector kernel (fine) but 2-8 rows to its matrix-matrix kernel, which
/// first copies ("packs") the weight panels and then runs far below the machine's peak on products this small, so an
/// 8-row step cost several times a 1-row step where reading the weights once should make it cost about the same
/// (figures: docs/modeling.md, 'Small-batch products'). This kernel reads each weight row from memory
/// once for all activation rows (<see cref="SmallBatchProduct{TWidth, TVector, TElement}"/>: one weight stream against up
/// to 8 accumulators, fused multiply-adds in AVX-512 or AVX2 registers, software prefetch ~8 KB ahead); the output
/// columns are split between libtorch's threads. It applies only where it is correct and faster: no autograd, float32,
/// CPU, contiguous, at most <see cref="MaxRows"/> rows, AVX-512 or AVX2 with FMA present; everything else goes to libtorch.
/// </remarks>
public static class SmallBatchLinear
{
    /// <summary>Most activation rows handled here; more rows are a prefill, where libtorch's GEMM is efficient.</summary>
    public const int MaxRows = 8;

    /// <summary>Every register width, in float32 lanes, this machine runs the kernel in, the widest first: 16 (AVX-512)
    /// and 8 (AVX2 with FMA). The kernel uses the widest; tests run each.</summary>
    internal static IReadOnlyList<int> SupportedLanes { get; } = FindSupportedLanes();

    /// <summary>The lanes the kernel runs in here, or 0 on a machine with neither width, where libtorch takes every product.</summary>
    internal static int Lanes { get; } = SupportedLanes.Count > 0 ? SupportedLanes[0] : 0;

    static int[] FindSupportedLanes()
    {
        var lanes = new List<int>();
        if (Width16.IsSupported) lanes.Add(Width16.Lanes);
        if (Width8.IsSupported) lanes.Add(Width8.Lanes);
        return [.. lanes];
    }

    /// <summary>Below this many weights a product is so small that the call's own cost dominates: libtorch's it is.</summary>
    const long MinWeights = 65_536;

    /// <summary>Whether <see cref="Forward"/> takes this product (otherwise use nn.functional.linear).</summary>
    /// <param name="input">[..., in].</param>
    /// <param name="weight">[out, in].</param>
    /// <param name="bias">[out], or null.</param>
    public static bool Applies(Tensor input, Tensor weight, Tensor? bias) => AppliesFrom(MinWeights, input, weight, bias);

    static bool AppliesFrom(long minWeights, Tensor input, Tensor weight, Tensor? bias) =>
        Lanes > 0
        && !is_grad_enabled()
        && input.dtype == ScalarType.Float32 && weight.dtype == ScalarType.Float32
        && input.device_type == DeviceType.CPU && weight.device_type == DeviceType.CPU
        && weight.dim() == 2 && input.size(-1) == weight.size(1) && weight.numel() >= minWeights
        && input.numel() / weight.size(1) is > 0 and <= MaxRows
        && weight.size(1) % Lanes == 0
        && input.is_contiguous() && weight.is_contiguous()
        && (bias is null || (bias.dtype == ScalarType.Float32 && bias.device_type == DeviceType.CPU && bias.is_contiguous()));

    /// <summary>y = x W^T + b: this kernel where it <see cref="Applies"/>, libtorch's linear everywhere else.</summary>
    /// <param name="input">[..., in].</param>
    /// <param name="weight">[out, in].</param>
    /// <param name="bias">[out], or null.</param>
    /// <param name="panels">A panel copy of <paramref name="weight"/> (<see cref="WeightPanels"/>), used from
    /// <see cref="MinPanelRows"/> rows, or null.</param>
    /// <returns>[..., out].</returns>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias, WeightPanels? panels = null)
    {
        if (Applies(input, weight, bias)) return Compute(input, weight, bias, panels);
        return IsSmallBFloat16(input, weight) ? InFloat32(input, weight, bias) : nn.functional.linear(input, weight, bias);
    }

    /// <summary>
    /// Fewest weights of a LoRA factor that take this kernel. A factor's product runs right after its layer's base
    /// product, whose workers are still awake, so the kernel's call costs little there; libtorch's product of a few
    /// rows on OpenMP threads costs more than the arithmetic (figures: docs/modeling.md, 'Batches that mix adapters').
    /// </summary>
    const long MinLowRankWeights = 8_192;

    /// <summary>y = x F^T for a LoRA factor F ([r, in] or [out, r]): this kernel from <see cref="MinLowRankWeights"/>
    /// weights, libtorch's linear below.</summary>
    /// <param name="input">[..., in].</param>
    /// <param name="factor">[out, in], the input's dtype.</param>
    /// <returns>[..., out].</returns>
    public static Tensor LowRank(Tensor input, Tensor factor) =>
        AppliesFrom(MinLowRankWeights, input, factor, null) ? Compute(input, factor, null, null) : nn.functional.linear(input, factor);

    /// <summary>
    /// Fewest rows that go to <see cref="PanelLinear"/> when the weight has panels: at 8 rows of the 110M shape it
    /// streams clearly faster than the row-major loop on two cores; at 2 rows the row-major loop was as fast or
    /// faster, at 4 about even (figures: docs/modeling.md, 'Panel-ordered weights').
    /// </summary>
    public const int MinPanelRows = 4;

    /// <summary>Whether a panel copy of <paramref name="weight"/> would ever be used: the weights that take this kernel,
    /// on a machine with AVX-512 (the panel loop keeps 16 accumulators and two weight registers of 16 lanes each; in
    /// AVX2's 16 registers of 8 lanes that many columns would spill).</summary>
    /// <param name="weight">[out, in].</param>
    public static bool TakesPanels(Tensor weight) =>
        Width16.IsSupported
        && weight.dtype == ScalarType.Float32 && weight.device_type == DeviceType.CPU
        && weight.dim() == 2 && weight.numel() >= MinWeights && weight.size(1) % Width16.Lanes == 0;

    /// <summary>
    /// A bf16 decoding product too small for this kernel (under <see cref="MinWeights"/> weights, e.g. stories260K's
    /// 64-512 wide ones): libtorch's bf16 path costs about twice as much a call at these sizes as casting to float32,
    /// multiplying and casting back (figures: docs/modeling.md, 'Small-batch products').
    /// </summary>
    static bool IsSmallBFloat16(Tensor input, Tensor weight) =>
        !is_grad_enabled()
        && input.dtype == ScalarType.BFloat16 && weight.dtype == ScalarType.BFloat16
        && input.device_type == DeviceType.CPU && weight.device_type == DeviceType.CPU
        && weight.dim() == 2 && weight.numel() < MinWeights && input.numel() / weight.size(1) <= MaxRows;

    static Tensor InFloat32(Tensor input, Tensor weight, Tensor? bias)
    {
        using var x = input.to_type(ScalarType.Float32);
        using var w = weight.to_type(ScalarType.Float32);
        using var b = bias?.to_type(ScalarType.Float32);
        using var y = nn.functional.linear(x, w, b);
        return y.to_type(ScalarType.BFloat16);
    }

    /// <param name="input">[..., in] float32, at most <see cref="MaxRows"/> rows in all.</param>
    /// <param name="weight">[out, in] float32.</param>
    /// <param name="bias">[out] float32, or null.</param>
    /// <returns>[..., out] float32.</returns>
    /// <param name="panels">As for <see cref="Linear"/>.</param>
    /// <exception cref="ArgumentException">The kernel does not apply (<see cref="Applies"/>), or the panels are another shape.</exception>
    public static Tensor Forward(Tensor input, Tensor weight, Tensor? bias, WeightPanels? panels = null) => Applies(input, weight, bias)
        ? Compute(input, weight, bias, panels)
        : throw new ArgumentException($"SmallBatchLinear does not apply to input {input.dtype} [{string.Join(", ", input.shape)}] and weight {weight.dtype} [{string.Join(", ", weight.shape)}].");

    /// <summary>The product, once <see cref="Applies"/> said yes (checked once per call: the checks are native calls).</summary>
    static Tensor Compute(Tensor input, Tensor weight, Tensor? bias, WeightPanels? panels)
    {
        int rows = (int)(input.numel() / weight.size(1));
        if (panels is null || rows < MinPanelRows) return Multiply<Float32Element>(input, weight, bias, Lanes);
        if (panels.InFeatures != weight.size(1) || panels.OutFeatures != weight.size(0))
            throw new ArgumentException($"weight panels of [{panels.OutFeatures}, {panels.InFeatures}] do not fit weight [{weight.size(0)}, {weight.size(1)}].", nameof(panels));
        var output = NewOutput(input, panels.OutFeatures);
        PanelLinear.Compute(input, panels, bias, output, rows);
        return output;
    }

    /// <summary>The row-major product in registers of <paramref name="lanes"/> floats, the weights stored as <typeparamref name="TElement"/>.</summary>
    /// <param name="input">[..., in] float32, at most <see cref="MaxRows"/> rows in all.</param>
    /// <param name="weight">[out, in] of <typeparamref name="TElement"/>.</param>
    /// <param name="bias">[out] float32, or null.</param>
    /// <param name="lanes">One of <see cref="SupportedLanes"/>.</param>
    /// <returns>[..., out] float32.</returns>
    internal static unsafe Tensor Multiply<TElement>(Tensor input, Tensor weight, Tensor? bias, int lanes) where TElement : struct, IStoredElement
    {
        // The serving path always passes Lanes: the list is read only for the other widths tests ask for.
        if ((lanes != Lanes || Lanes == 0) && !SupportedLanes.Contains(lanes)) throw new ArgumentOutOfRangeException(nameof(lanes), lanes, $"this machine runs the kernel in {string.Join(" or ", SupportedLanes)} lanes.");
        int k = (int)weight.size(1), n = (int)weight.size(0);
        int rows = (int)(input.numel() / k);
        var output = NewOutput(input, n);
        int workers = Math.Min(get_num_threads(), Math.Max(1, n / 256));
        // The spans point into libtorch's memory: nothing moves, but the tensors must outlive the loops (KeepAlive below).
        fixed (byte* x = input.bytes, w = weight.bytes, y = output.bytes)
        fixed (byte* b = bias is null ? default : bias.bytes)
        {
            if (lanes == Width16.Lanes)
                WorkerRanges.Run(n, workers, new SmallBatchProduct<Width16, Vector512<float>, TElement>((float*)x, rows, k, w, (float*)b, (float*)y, n).Run);
            else
                WorkerRanges.Run(n, workers, new SmallBatchProduct<Width8, Vector256<float>, TElement>((float*)x, rows, k, w, (float*)b, (float*)y, n).Run);
        }
        GC.KeepAlive(input);
        GC.KeepAlive(weight);
        GC.KeepAlive(bias);
        return output;
    }

    /// <summary>[..., out] float32 for an input [..., in].</summary>
    internal static Tensor NewOutput(Tensor input, int outFeatures)
    {
        var shape = input.shape; // a fresh array
        shape[^1] = outFeatures;
        return empty(shape, ScalarType.Float32);
    }
}
