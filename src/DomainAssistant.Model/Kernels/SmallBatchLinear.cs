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
/// first copies ("packs") the weight panels and then runs at 50-68 GFLOP/s on products this small: an 8-row
/// step cost 2-4x a 1-row step instead of about 1x (bench/RESULTS.md). This kernel reads each weight row from memory
/// once for all activation rows (blocks of 2 output columns by 4 rows, AVX-512 fused multiply-adds); the output
/// columns are split between libtorch's threads. It applies only where it is correct and
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
    public static bool Applies(Tensor input, Tensor weight, Tensor? bias) =>
        Vector512.IsHardwareAccelerated
        && !is_grad_enabled()
        && input.dtype == ScalarType.Float32 && weight.dtype == ScalarType.Float32
        && input.device_type == DeviceType.CPU && weight.device_type == DeviceType.CPU
        && weight.dim() == 2 && input.shape[^1] == weight.shape[1] && weight.numel() >= MinWeights
        && input.numel() / weight.shape[1] is > 0 and <= MaxRows
        && weight.shape[1] % Lanes == 0
        && input.is_contiguous() && weight.is_contiguous()
        && (bias is null || (bias.dtype == ScalarType.Float32 && bias.device_type == DeviceType.CPU && bias.is_contiguous()));

    /// <summary>y = x W^T + b: this kernel where it <see cref="Applies"/>, libtorch's linear everywhere else.</summary>
    /// <param name="input">[..., in].</param>
    /// <param name="weight">[out, in].</param>
    /// <param name="bias">[out], or null.</param>
    /// <returns>[..., out].</returns>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias) =>
        Applies(input, weight, bias) ? Compute(input, weight, bias) : nn.functional.linear(input, weight, bias);

    /// <param name="input">[..., in] float32, at most <see cref="MaxRows"/> rows in all.</param>
    /// <param name="weight">[out, in] float32.</param>
    /// <param name="bias">[out] float32, or null.</param>
    /// <returns>[..., out] float32.</returns>
    /// <exception cref="ArgumentException">The kernel does not apply (<see cref="Applies"/>).</exception>
    public static Tensor Forward(Tensor input, Tensor weight, Tensor? bias) => Applies(input, weight, bias)
        ? Compute(input, weight, bias)
        : throw new ArgumentException($"SmallBatchLinear does not apply to input {input.dtype} [{string.Join(", ", input.shape)}] and weight {weight.dtype} [{string.Join(", ", weight.shape)}].");

    /// <summary>The product, once <see cref="Applies"/> said yes (checked once per call: the checks are native calls).</summary>
    static unsafe Tensor Compute(Tensor input, Tensor weight, Tensor? bias)
    {
        int inFeatures = (int)weight.shape[1], outFeatures = (int)weight.shape[0];
        int rows = (int)(input.numel() / inFeatures);
        var outputShape = input.shape.ToArray();
        outputShape[^1] = outFeatures;
        var output = empty(outputShape, ScalarType.Float32);

        // The spans point into libtorch's memory: nothing moves, but the tensors must outlive the loops (KeepAlive below).
        fixed (byte* x = input.bytes, w = weight.bytes, y = output.bytes)
        fixed (byte* b = bias is null ? default : bias.bytes)
        {
            var product = new Product((float*)x, rows, inFeatures, (float*)w, (float*)b, (float*)y, outFeatures);
            int workers = Math.Min(get_num_threads(), Math.Max(1, outFeatures / 256));
            if (workers <= 1) product.Run(0, outFeatures);
            else Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers },
                part => product.Run((int)((long)outFeatures * part / workers), (int)((long)outFeatures * (part + 1) / workers)));
        }
        GC.KeepAlive(input);
        GC.KeepAlive(weight);
        GC.KeepAlive(bias);
        return output;
    }

    /// <summary>A row count known when the JIT compiles <see cref="Product"/>'s kernels.</summary>
    interface IRowCount { static abstract int Count { get; } }
    struct One : IRowCount { public static int Count => 1; }
    struct Two : IRowCount { public static int Count => 2; }
    struct Three : IRowCount { public static int Count => 3; }
    struct Four : IRowCount { public static int Count => 4; }

    /// <summary>The pointers of one product; <see cref="Run"/> computes output columns [from, to).</summary>
    readonly unsafe struct Product(float* x, int rows, int k, float* w, float* bias, float* y, int n)
    {
        // Optimised at first call: tiered compilation would run these loops unoptimised (no vector intrinsics) at first.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int from, int to)
        {
            if (rows == 1)
            {
                for (int column = from; column < to; column++) y[column] = Dot1(x, w + (long)column * k, k) + Bias(column);
                return;
            }
            int j = from;
            for (; j + 1 < to; j += 2) Pair(j);
            if (j < to) Single(j);
        }

        float Bias(int j) => bias is null ? 0f : bias[j];

        /// <summary>Columns j and j+1 of every row, four rows at a time.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Pair(int j)
        {
            float* wj = w + (long)j * k;
            var (add0, add1) = (Bias(j), Bias(j + 1));
            for (int first = 0; first < rows; first += 4)
            {
                float* xr = x + (long)first * k;
                float* yr = y + (long)first * n + j;
                switch (Math.Min(4, rows - first))
                {
                    case 1: Block<One>(xr, wj, k, yr, n, add0, add1); break;
                    case 2: Block<Two>(xr, wj, k, yr, n, add0, add1); break;
                    case 3: Block<Three>(xr, wj, k, yr, n, add0, add1); break;
                    default: Block<Four>(xr, wj, k, yr, n, add0, add1); break;
                }
            }
        }

        /// <summary>The last column when a worker's range is odd.</summary>
        void Single(int j)
        {
            for (int r = 0; r < rows; r++) y[(long)r * n + j] = Dot1(x + (long)r * k, w + (long)j * k, k) + Bias(j);
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
        /// Output columns j and j+1 of up to four rows (x points at the first), plus the bias, written to y[r * n] and
        /// y[r * n + 1]. Two columns by four rows is the register block: 8 accumulators, and every 16-float slice
        /// loaded (2 of w, 4 of x) feeds 2 or 4 fused multiply-adds, so neither x (up to 64 KB for 8 rows, beyond L1)
        /// nor w bounds the loop. <typeparamref name="TRows"/> fixes the row count at JIT time, so unused
        /// accumulators and their branches compile away. <paramref name="y"/> points at column j of the first row.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Block<TRows>(float* x, float* w, int k, float* y, int n, float add0, float add1) where TRows : struct, IRowCount
        {
            int rows = TRows.Count;
            float* w1 = w + k;
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
            for (int i = 0; i < k; i += Lanes)
            {
                // Two weight rows at once are two interleaved streams the hardware prefetcher follows poorly: fetch
                // the next pair's rows (the next 2k floats) while this pair computes. A prefetch never faults, so
                // running past the last row is harmless.
                Sse.Prefetch0(w + 2 * k + i);
                Sse.Prefetch0(w1 + 2 * k + i);
                var u = Vector512.Load(w + i);
                var v = Vector512.Load(w1 + i);
                float* xi = x + i;
                var r = Vector512.Load(xi);
                a0 = Vector512.FusedMultiplyAdd(u, r, a0);
                b0 = Vector512.FusedMultiplyAdd(v, r, b0);
                if (rows > 1) { r = Vector512.Load(xi + k); a1 = Vector512.FusedMultiplyAdd(u, r, a1); b1 = Vector512.FusedMultiplyAdd(v, r, b1); }
                if (rows > 2) { r = Vector512.Load(xi + 2 * k); a2 = Vector512.FusedMultiplyAdd(u, r, a2); b2 = Vector512.FusedMultiplyAdd(v, r, b2); }
                if (rows > 3) { r = Vector512.Load(xi + 3 * k); a3 = Vector512.FusedMultiplyAdd(u, r, a3); b3 = Vector512.FusedMultiplyAdd(v, r, b3); }
            }
            Store(y, a0, b0, add0, add1);
            if (rows > 1) Store(y + n, a1, b1, add0, add1);
            if (rows > 2) Store(y + 2 * n, a2, b2, add0, add1);
            if (rows > 3) Store(y + 3 * n, a3, b3, add0, add1);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Store(float* y, Vector512<float> a, Vector512<float> b, float add0, float add1)
        {
            y[0] = Vector512.Sum(a) + add0;
            y[1] = Vector512.Sum(b) + add1;
        }
    }
}
