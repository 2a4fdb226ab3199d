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
/// once for all activation rows (one weight stream against up to 8 accumulators, AVX-512 fused multiply-adds,
/// software prefetch ~8 KB ahead); the output columns are split between libtorch's threads. It applies only where it is correct and
/// faster: no autograd, float32, CPU, contiguous, at most <see cref="MaxRows"/> rows, AVX-512 present;
/// everything else goes to libtorch.
/// </remarks>
public static class SmallBatchLinear
{
    /// <summary>Most activation rows handled here; more rows are a prefill, where libtorch's GEMM is efficient.</summary>
    public const int MaxRows = 8;

    const int Lanes = 16; // floats in a Vector512

    /// <summary>Below this many weights a product is so small that the call's own cost dominates: libtorch's it is.</summary>
    const long MinWeights = 65_536;

    /// <summary>Whether <see cref="Forward"/> takes this product (otherwise use nn.functional.linear).</summary>
    /// <param name="input">[..., in].</param>
    /// <param name="weight">[out, in].</param>
    /// <param name="bias">[out], or null.</param>
    public static bool Applies(Tensor input, Tensor weight, Tensor? bias) => AppliesFrom(MinWeights, input, weight, bias);

    static bool AppliesFrom(long minWeights, Tensor input, Tensor weight, Tensor? bias) =>
        Vector512.IsHardwareAccelerated
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
    /// weights, libtorch's linear below. A bfloat16 factor under float32 input (a serving copy, see
    /// <see cref="TakesBFloat16Factor"/>) goes to <see cref="BFloat16Product"/> for a decoding step, and to libtorch
    /// as float32 for a prefill.</summary>
    /// <param name="input">[..., in].</param>
    /// <param name="factor">[out, in], the input's dtype or bfloat16.</param>
    /// <returns>[..., out], the input's dtype.</returns>
    public static Tensor LowRank(Tensor input, Tensor factor)
    {
        if (factor.dtype == ScalarType.BFloat16 && input.dtype == ScalarType.Float32)
        {
            if (AppliesToBFloat16Factor(input, factor)) return ComputeBFloat16(input, factor);
            // A prefill (more than MaxRows rows) through a serving copy: libtorch's product of the widened factor.
            using var widened = factor.to_type(ScalarType.Float32);
            return nn.functional.linear(input, widened);
        }
        return AppliesFrom(MinLowRankWeights, input, factor, null) ? Compute(input, factor, null, null) : nn.functional.linear(input, factor);
    }

    /// <summary>
    /// Whether a frozen LoRA factor is worth keeping in bfloat16 for <see cref="LowRank"/>: one this kernel would take
    /// in float32 (from <see cref="MinLowRankWeights"/> weights, an input width that is a multiple of 16, AVX-512).
    /// Decoding is bound by reading weights, and a bf16 copy halves a factor's reads while the activations and the
    /// sums stay float32. Smaller factors stay float32: libtorch, which takes them, has no float32-by-bf16 product.
    /// </summary>
    /// <param name="factor">[out, in] float32 on the CPU.</param>
    public static bool TakesBFloat16Factor(Tensor factor) =>
        Vector512.IsHardwareAccelerated
        && factor.dtype == ScalarType.Float32 && factor.device_type == DeviceType.CPU
        && factor.dim() == 2 && factor.numel() >= MinLowRankWeights && factor.size(1) % Lanes == 0;

    /// <summary>Whether <see cref="LowRank"/> runs this float32-input, bf16-factor product in the kernel (a decoding
    /// step of at most <see cref="MaxRows"/> rows without autograd); otherwise libtorch multiplies the widened factor.</summary>
    /// <param name="input">[..., in] float32.</param>
    /// <param name="factor">[out, in] bfloat16.</param>
    internal static bool AppliesToBFloat16Factor(Tensor input, Tensor factor) =>
        Vector512.IsHardwareAccelerated
        && !is_grad_enabled()
        && factor.device_type == DeviceType.CPU && input.device_type == DeviceType.CPU
        && factor.dim() == 2 && input.size(-1) == factor.size(1) && factor.size(1) % Lanes == 0
        && input.numel() / factor.size(1) is > 0 and <= MaxRows
        && input.is_contiguous() && factor.is_contiguous();

    /// <summary>y = x F^T with x float32 and F bfloat16, summed in float32 (<see cref="BFloat16Product"/>).</summary>
    /// <param name="input">[..., in] float32, at most <see cref="MaxRows"/> rows in all.</param>
    /// <param name="factor">[out, in] bfloat16.</param>
    /// <returns>[..., out] float32.</returns>
    static unsafe Tensor ComputeBFloat16(Tensor input, Tensor factor)
    {
        int inFeatures = (int)factor.size(1), outFeatures = (int)factor.size(0);
        int rows = (int)(input.numel() / inFeatures);
        var outputShape = input.shape;
        outputShape[^1] = outFeatures;
        var output = empty(outputShape, ScalarType.Float32);
        fixed (byte* x = input.bytes, w = factor.bytes, y = output.bytes)
        {
            var product = new BFloat16Product((float*)x, rows, inFeatures, (ushort*)w, (float*)y, outFeatures);
            WorkerRanges.Run(outFeatures, Math.Min(get_num_threads(), Math.Max(1, outFeatures / 256)), product.Run);
        }
        GC.KeepAlive(input);
        GC.KeepAlive(factor);
        return output;
    }

    /// <summary>
    /// Fewest rows that go to <see cref="PanelLinear"/> when the weight has panels: at 8 rows of the 110M shape it
    /// streams clearly faster than the row-major loop on two cores; at 2 rows the row-major loop was as fast or
    /// faster, at 4 about even (figures: docs/modeling.md, 'Panel-ordered weights').
    /// </summary>
    public const int MinPanelRows = 4;

    /// <summary>Whether a panel copy of <paramref name="weight"/> would ever be used: the weights that take this kernel.</summary>
    /// <param name="weight">[out, in].</param>
    public static bool TakesPanels(Tensor weight) =>
        Vector512.IsHardwareAccelerated
        && weight.dtype == ScalarType.Float32 && weight.device_type == DeviceType.CPU
        && weight.dim() == 2 && weight.numel() >= MinWeights && weight.size(1) % Lanes == 0;

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
    static unsafe Tensor Compute(Tensor input, Tensor weight, Tensor? bias, WeightPanels? panels)
    {
        int inFeatures = (int)weight.size(1), outFeatures = (int)weight.size(0);
        int rows = (int)(input.numel() / inFeatures);
        var outputShape = input.shape; // a fresh array
        outputShape[^1] = outFeatures;
        var output = empty(outputShape, ScalarType.Float32);
        if (panels is not null && rows >= MinPanelRows)
        {
            if (panels.InFeatures != inFeatures || panels.OutFeatures != outFeatures)
                throw new ArgumentException($"weight panels of [{panels.OutFeatures}, {panels.InFeatures}] do not fit weight [{outFeatures}, {inFeatures}].", nameof(panels));
            PanelLinear.Compute(input, panels, bias, output, rows);
            return output;
        }

        // The spans point into libtorch's memory: nothing moves, but the tensors must outlive the loops (KeepAlive below).
        fixed (byte* x = input.bytes, w = weight.bytes, y = output.bytes)
        fixed (byte* b = bias is null ? default : bias.bytes)
        {
            var product = new Product((float*)x, rows, inFeatures, (float*)w, (float*)b, (float*)y, outFeatures);
            WorkerRanges.Run(outFeatures, Math.Min(get_num_threads(), Math.Max(1, outFeatures / 256)), product.Run);
        }
        GC.KeepAlive(input);
        GC.KeepAlive(weight);
        GC.KeepAlive(bias);
        return output;
    }

    /// <summary>The pointers of one product; <see cref="Run"/> computes output columns [from, to).</summary>
    readonly unsafe struct Product(float* x, int rows, int k, float* w, float* bias, float* y, int n) : ISlicedProduct
    {
        /// <summary>
        /// Longest stretch of the input dimension done in one go: 8 rows of 1,024 floats (32 KB) stay in the 48 KB L1
        /// cache while every weight row streams past them. Wider inputs (the 110M shape's 2,048) go in slices, each
        /// adding into the output: unsliced they ran much slower, and slices of 1,024 were as fast as narrower ones
        /// (figures: docs/modeling.md, 'Small-batch products').
        /// </summary>
        const int MaxSlice = 1024;

        /// <summary>How far ahead, in floats of the weight stream, the loop asks for weights: ~8 KB, the distance that
        /// covers memory latency at this loop's pace (measured: 2 KB and 4 KB ahead were slower, as was none).</summary>
        const int PrefetchFloats = 2048;

        // Optimised at first call: tiered compilation would run these loops unoptimised (no vector intrinsics) at first.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int from, int to)
        {
            if (rows == 1)
            {
                for (int column = from; column < to; column++) y[column] = Dot1(x, w + (long)column * k, k) + Bias(column);
                return;
            }
            SlicedProduct.Run(this, rows, k, MaxSlice, PrefetchFloats, from, to);
        }

        float Bias(int j) => bias is null ? 0f : bias[j];

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Slices<TRows>(int from, int to, int start, int length, int ahead) where TRows : struct, IRowCount
        {
            bool first = start == 0; // the first slice writes y (with the bias), later ones add to it
            for (int j = from; j < to; j++)
            {
                float* wj = w + (long)j * k + start;
                var (low, high) = Column<TRows>(x + start, wj, wj + (long)ahead * k, k, length);
                if (first) Write<TRows>(y + j, n, low + Vector128.Create(Bias(j)), high + Vector128.Create(Bias(j)));
                else Add<TRows>(y + j, n, low, high);
            }
        }

        /// <summary>y[r * n] = the row sums (rows 0-3 in <paramref name="low"/>, 4-7 in <paramref name="high"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static void Write<TRows>(float* y, long n, Vector128<float> low, Vector128<float> high) where TRows : struct, IRowCount
        {
            int rows = TRows.Count;
            y[0] = low.GetElement(0);
            y[n] = low.GetElement(1);
            if (rows > 2) y[2 * n] = low.GetElement(2);
            if (rows > 3) y[3 * n] = low.GetElement(3);
            if (rows > 4) y[4 * n] = high.GetElement(0);
            if (rows > 5) y[5 * n] = high.GetElement(1);
            if (rows > 6) y[6 * n] = high.GetElement(2);
            if (rows > 7) y[7 * n] = high.GetElement(3);
        }

        /// <summary>y[r * n] += the row sums of a later slice.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static void Add<TRows>(float* y, long n, Vector128<float> low, Vector128<float> high) where TRows : struct, IRowCount
        {
            int rows = TRows.Count;
            y[0] += low.GetElement(0);
            y[n] += low.GetElement(1);
            if (rows > 2) y[2 * n] += low.GetElement(2);
            if (rows > 3) y[3 * n] += low.GetElement(3);
            if (rows > 4) y[4 * n] += high.GetElement(0);
            if (rows > 5) y[5 * n] += high.GetElement(1);
            if (rows > 6) y[6 * n] += high.GetElement(2);
            if (rows > 7) y[7 * n] += high.GetElement(3);
        }

        /// <summary>x [k] . w [k], four independent accumulators so the fused multiply-adds overlap.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        static float Dot1(float* x, float* w, int k)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            int i = 0;
            for (; i <= k - 4 * Lanes; i += 4 * Lanes)
            {
                a0 = Vector512.FusedMultiplyAdd(Vector512.Load(w + i), Vector512.Load(x + i), a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Load(w + i + Lanes), Vector512.Load(x + i + Lanes), a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Load(w + i + 2 * Lanes), Vector512.Load(x + i + 2 * Lanes), a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Load(w + i + 3 * Lanes), Vector512.Load(x + i + 3 * Lanes), a3);
            }
            for (; i < k; i += Lanes) a0 = Vector512.FusedMultiplyAdd(Vector512.Load(w + i), Vector512.Load(x + i), a0);
            return Vector512.Sum((a0 + a1) + (a2 + a3));
        }

        /// <summary>
        /// One output column over one slice for every row: the dot products of the weight slice w [length] with the
        /// rows x + r * stride, returned as (rows 0-3, rows 4-7). One weight stream and one accumulator per row: each
        /// 16-float slice of w feeds up to 8 fused multiply-adds while the rows sit in L1. (Blocks of 2 columns by 4
        /// rows, the earlier design, read two weight streams at once, which out of cache is slower than one stream:
        /// docs/modeling.md, 'Small-batch products'.) <typeparamref name="TRows"/> fixes the row count
        /// at JIT time, so unused accumulators compile away. <paramref name="prefetch"/> is the weight data a few
        /// columns ahead; a prefetch never faults, so running past the last column is harmless.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static (Vector128<float> Low, Vector128<float> High) Column<TRows>(float* x, float* w, float* prefetch, int stride, int length)
            where TRows : struct, IRowCount
        {
            int rows = TRows.Count;
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (int i = 0; i < length; i += Lanes)
            {
                Sse.Prefetch0(prefetch + i);
                var u = Vector512.Load(w + i);
                float* xi = x + i;
                a0 = Vector512.FusedMultiplyAdd(u, Vector512.Load(xi), a0);
                a1 = Vector512.FusedMultiplyAdd(u, Vector512.Load(xi + stride), a1);
                if (rows > 2) a2 = Vector512.FusedMultiplyAdd(u, Vector512.Load(xi + 2 * stride), a2);
                if (rows > 3) a3 = Vector512.FusedMultiplyAdd(u, Vector512.Load(xi + 3 * stride), a3);
                if (rows > 4) a4 = Vector512.FusedMultiplyAdd(u, Vector512.Load(xi + 4 * stride), a4);
                if (rows > 5) a5 = Vector512.FusedMultiplyAdd(u, Vector512.Load(xi + 5 * stride), a5);
                if (rows > 6) a6 = Vector512.FusedMultiplyAdd(u, Vector512.Load(xi + 6 * stride), a6);
                if (rows > 7) a7 = Vector512.FusedMultiplyAdd(u, Vector512.Load(xi + 7 * stride), a7);
            }
            return (VectorSums.OfFour(a0, a1, a2, a3), rows > 4 ? VectorSums.OfFour(a4, a5, a6, a7) : default);
        }
    }

    /// <summary>
    /// <see cref="Product"/> with bfloat16 weights: each 16-weight step loads 32 bytes (a Vector256 of the raw bf16
    /// bits), zero-extends them to 32-bit lanes and shifts them left by 16, which is exactly the float32 of equal value
    /// (bf16 is float32's upper half), then multiplies and adds in float32 as <see cref="Product"/> does. Only the
    /// weight stream is narrower; the activations and the sums are float32. No bias: LoRA factors have none.
    /// </summary>
    readonly unsafe struct BFloat16Product(float* x, int rows, int k, ushort* w, float* y, int n) : ISlicedProduct
    {
        /// <summary>As <see cref="Product"/>'s: 8 float32 rows of 1,024 inputs stay in L1 while the weights stream past.</summary>
        const int MaxSlice = 1024;

        /// <summary>The same ~8 KB of weight stream ahead as <see cref="Product"/>, counted in 2-byte weights.</summary>
        const int PrefetchWeights = 4096;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int from, int to)
        {
            if (rows == 1)
            {
                for (int column = from; column < to; column++) y[column] = Dot1(x, w + (long)column * k, k);
                return;
            }
            SlicedProduct.Run(this, rows, k, MaxSlice, PrefetchWeights, from, to);
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Slices<TRows>(int from, int to, int start, int length, int ahead) where TRows : struct, IRowCount
        {
            bool first = start == 0; // the first slice writes y, later ones add to it
            for (int j = from; j < to; j++)
            {
                ushort* wj = w + (long)j * k + start;
                var (low, high) = Column<TRows>(x + start, wj, wj + (long)ahead * k, k, length);
                if (first) Product.Write<TRows>(y + j, n, low, high);
                else Product.Add<TRows>(y + j, n, low, high);
            }
        }

        /// <summary>16 bf16 weights at <paramref name="w"/> as float32: zero-extended to 32 bits, shifted into the upper half.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector512<float> Widen(ushort* w) =>
            Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512UInt32(Vector256.Load(w)), 16).AsSingle();

        /// <summary>x [k] . w [k] with w bf16, four accumulators.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        static float Dot1(float* x, ushort* w, int k)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            int i = 0;
            for (; i <= k - 4 * Lanes; i += 4 * Lanes)
            {
                a0 = Vector512.FusedMultiplyAdd(Widen(w + i), Vector512.Load(x + i), a0);
                a1 = Vector512.FusedMultiplyAdd(Widen(w + i + Lanes), Vector512.Load(x + i + Lanes), a1);
                a2 = Vector512.FusedMultiplyAdd(Widen(w + i + 2 * Lanes), Vector512.Load(x + i + 2 * Lanes), a2);
                a3 = Vector512.FusedMultiplyAdd(Widen(w + i + 3 * Lanes), Vector512.Load(x + i + 3 * Lanes), a3);
            }
            for (; i < k; i += Lanes) a0 = Vector512.FusedMultiplyAdd(Widen(w + i), Vector512.Load(x + i), a0);
            return Vector512.Sum((a0 + a1) + (a2 + a3));
        }

        /// <summary>One output column over one slice for every row, as <see cref="Product"/>'s, from a bf16 weight stream.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static (Vector128<float> Low, Vector128<float> High) Column<TRows>(float* x, ushort* w, ushort* prefetch, int stride, int length)
            where TRows : struct, IRowCount
        {
            int rows = TRows.Count;
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (int i = 0; i < length; i += Lanes)
            {
                // One prefetch per 64-byte line: 32 weights, two steps of this loop.
                if ((i & (2 * Lanes - 1)) == 0) Sse.Prefetch0(prefetch + i);
                var u = Widen(w + i);
                float* xi = x + i;
                a0 = Vector512.FusedMultiplyAdd(u, Vector512.Load(xi), a0);
                a1 = Vector512.FusedMultiplyAdd(u, Vector512.Load(xi + stride), a1);
                if (rows > 2) a2 = Vector512.FusedMultiplyAdd(u, Vector512.Load(xi + 2 * stride), a2);
                if (rows > 3) a3 = Vector512.FusedMultiplyAdd(u, Vector512.Load(xi + 3 * stride), a3);
                if (rows > 4) a4 = Vector512.FusedMultiplyAdd(u, Vector512.Load(xi + 4 * stride), a4);
                if (rows > 5) a5 = Vector512.FusedMultiplyAdd(u, Vector512.Load(xi + 5 * stride), a5);
                if (rows > 6) a6 = Vector512.FusedMultiplyAdd(u, Vector512.Load(xi + 6 * stride), a6);
                if (rows > 7) a7 = Vector512.FusedMultiplyAdd(u, Vector512.Load(xi + 7 * stride), a7);
            }
            return (VectorSums.OfFour(a0, a1, a2, a3), rows > 4 ? VectorSums.OfFour(a4, a5, a6, a7) : default);
        }
    }
}
