using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DomainAssistant.Model.Kernels;

/// <summary>
/// The row-major small-batch loop of <see cref="SmallBatchLinear"/>: y = x W^T + b for 1-8 float32 rows, W stored as
/// <typeparamref name="TElement"/> (float32, or bfloat16 widened to float32 as it is read; activations and sums are
/// float32 either way), in registers of <typeparamref name="TWidth"/>. <see cref="Run"/> computes output columns
/// [from, to).
/// </summary>
/// <param name="x">[rows, k] float32.</param>
/// <param name="rows">Activation rows, 1 to 8.</param>
/// <param name="k">Inputs per row.</param>
/// <param name="w">[n, k] of <typeparamref name="TElement"/>.</param>
/// <param name="bias">[n] float32, or null.</param>
/// <param name="y">[rows, n] float32: written.</param>
/// <param name="n">Output columns.</param>
internal readonly unsafe struct SmallBatchProduct<TWidth, TVector, TElement>(float* x, int rows, int k, byte* w, float* bias, float* y, int n)
    : ISlicedProduct
    where TWidth : struct, IVectorWidth<TVector>
    where TVector : struct
    where TElement : struct, IStoredElement
{
    /// <summary>
    /// Longest stretch of the input dimension done in one go: 8 rows of 1,024 floats (32 KB) stay in the 48 KB L1
    /// cache while every weight row streams past them. Wider inputs (the 110M shape's 2,048) go in slices, each
    /// adding into the output: unsliced they ran much slower, and slices of 1,024 were as fast as narrower ones
    /// (figures: docs/modeling.md, 'Small-batch products').
    /// </summary>
    const int MaxSlice = 1024;

    /// <summary>How far ahead in the weight stream the loop asks for weights: ~8 KB, the distance that covers memory
    /// latency at this loop's pace (measured on float32 weights: 2 KB and 4 KB ahead were slower, as was none).</summary>
    const int PrefetchBytes = 8192;

    // Optimised at first call: tiered compilation would run these loops unoptimised (no vector intrinsics) at first.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int from, int to)
    {
        if (rows == 1)
        {
            for (int column = from; column < to; column++) y[column] = Dot1((long)column * k) + Bias(column);
            return;
        }
        SlicedProduct.Run(this, rows, k, MaxSlice, PrefetchBytes / TElement.Bytes, from, to);
    }

    float Bias(int j) => bias is null ? 0f : bias[j];

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Slices<TRows>(int from, int to, int start, int length, int ahead) where TRows : struct, IRowCount
    {
        bool first = start == 0; // the first slice writes y (with the bias), later ones add to it
        for (int j = from; j < to; j++)
        {
            long at = (long)j * k + start;
            var (low, high) = Column<TRows>(x + start, at, at + (long)ahead * k, length);
            if (first) Write<TRows>(y + j, low + Vector128.Create(Bias(j)), high + Vector128.Create(Bias(j)));
            else Add<TRows>(y + j, low, high);
        }
    }

    /// <summary>target[r * n] = the row sums (rows 0-3 in <paramref name="low"/>, 4-7 in <paramref name="high"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Write<TRows>(float* target, Vector128<float> low, Vector128<float> high) where TRows : struct, IRowCount
    {
        int rows = TRows.Count;
        target[0] = low.GetElement(0);
        target[n] = low.GetElement(1);
        if (rows > 2) target[2 * n] = low.GetElement(2);
        if (rows > 3) target[3 * n] = low.GetElement(3);
        if (rows > 4) target[4 * n] = high.GetElement(0);
        if (rows > 5) target[5 * n] = high.GetElement(1);
        if (rows > 6) target[6 * n] = high.GetElement(2);
        if (rows > 7) target[7 * n] = high.GetElement(3);
    }

    /// <summary>target[r * n] += the row sums of a later slice.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Add<TRows>(float* target, Vector128<float> low, Vector128<float> high) where TRows : struct, IRowCount
    {
        int rows = TRows.Count;
        target[0] += low.GetElement(0);
        target[n] += low.GetElement(1);
        if (rows > 2) target[2 * n] += low.GetElement(2);
        if (rows > 3) target[3 * n] += low.GetElement(3);
        if (rows > 4) target[4 * n] += high.GetElement(0);
        if (rows > 5) target[5 * n] += high.GetElement(1);
        if (rows > 6) target[6 * n] += high.GetElement(2);
        if (rows > 7) target[7 * n] += high.GetElement(3);
    }

    /// <summary>x [k] . w [at, at + k), four independent accumulators so the fused multiply-adds overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    float Dot1(long at)
    {
        int lanes = TWidth.Lanes;
        TVector a0 = default, a1 = default, a2 = default, a3 = default;
        int i = 0;
        for (; i <= k - 4 * lanes; i += 4 * lanes)
        {
            a0 = TWidth.MultiplyAdd(TWidth.Load<TElement>(w, at + i), TWidth.Load(x + i), a0);
            a1 = TWidth.MultiplyAdd(TWidth.Load<TElement>(w, at + i + lanes), TWidth.Load(x + i + lanes), a1);
            a2 = TWidth.MultiplyAdd(TWidth.Load<TElement>(w, at + i + 2 * lanes), TWidth.Load(x + i + 2 * lanes), a2);
            a3 = TWidth.MultiplyAdd(TWidth.Load<TElement>(w, at + i + 3 * lanes), TWidth.Load(x + i + 3 * lanes), a3);
        }
        for (; i < k; i += lanes) a0 = TWidth.MultiplyAdd(TWidth.Load<TElement>(w, at + i), TWidth.Load(x + i), a0);
        return TWidth.Sum(TWidth.Add(TWidth.Add(a0, a1), TWidth.Add(a2, a3)));
    }

    /// <summary>
    /// One output column over one slice for every row: the dot products of the weights w [at, at + length) with the
    /// rows x + r * k, returned as (rows 0-3, rows 4-7). One weight stream and one accumulator per row: each
    /// register of weights feeds up to 8 fused multiply-adds while the rows sit in L1. (Blocks of 2 columns by 4
    /// rows, the earlier design, read two weight streams at once, which out of cache is slower than one stream:
    /// docs/modeling.md, 'Small-batch products'.) <typeparamref name="TRows"/> fixes the row count at JIT time, so
    /// unused accumulators compile away: 8 accumulators, the weights and one row fit AVX2's 16 registers.
    /// <paramref name="prefetch"/> is the weight index a few columns ahead, asked for once per 64-byte line; a
    /// prefetch never faults, so running past the last column is harmless.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    (Vector128<float> Low, Vector128<float> High) Column<TRows>(float* rowsAt, long at, long prefetch, int length) where TRows : struct, IRowCount
    {
        int rows = TRows.Count, lanes = TWidth.Lanes, stride = k;
        byte* ahead = w + prefetch * TElement.Bytes;
        if (rows <= 4 && length % (2 * lanes) == 0) return HalfColumn<TRows>(rowsAt, at, ahead, length);
        TVector a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int i = 0; i < length; i += lanes)
        {
            if (((i * TElement.Bytes) & 63) == 0) Sse.Prefetch0(ahead + (long)i * TElement.Bytes);
            var u = TWidth.Load<TElement>(w, at + i);
            float* xi = rowsAt + i;
            a0 = TWidth.MultiplyAdd(u, TWidth.Load(xi), a0);
            a1 = TWidth.MultiplyAdd(u, TWidth.Load(xi + stride), a1);
            if (rows > 2) a2 = TWidth.MultiplyAdd(u, TWidth.Load(xi + 2 * stride), a2);
            if (rows > 3) a3 = TWidth.MultiplyAdd(u, TWidth.Load(xi + 3 * stride), a3);
            if (rows > 4) a4 = TWidth.MultiplyAdd(u, TWidth.Load(xi + 4 * stride), a4);
            if (rows > 5) a5 = TWidth.MultiplyAdd(u, TWidth.Load(xi + 5 * stride), a5);
            if (rows > 6) a6 = TWidth.MultiplyAdd(u, TWidth.Load(xi + 6 * stride), a6);
            if (rows > 7) a7 = TWidth.MultiplyAdd(u, TWidth.Load(xi + 7 * stride), a7);
        }
        return (TWidth.SumOfFour(a0, a1, a2, a3), rows > 4 ? TWidth.SumOfFour(a4, a5, a6, a7) : default);
    }

    /// <summary>
    /// <see cref="Column{TRows}"/> for at most 4 rows, two registers of weights a step: each row's sum runs in two
    /// accumulators (even and odd registers), so 8 chains of fused multiply-adds are in flight rather than one per
    /// row. A multiply-add waits ~4-5 cycles for its accumulator, so 4 chains left the multipliers idle half the
    /// time: a 4-row product ran no faster than an 8-row one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    (Vector128<float> Low, Vector128<float> High) HalfColumn<TRows>(float* rowsAt, long at, byte* ahead, int length) where TRows : struct, IRowCount
    {
        int rows = TRows.Count, lanes = TWidth.Lanes, stride = k;
        TVector a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        for (int i = 0; i < length; i += 2 * lanes)
        {
            if (((i * TElement.Bytes) & 63) == 0) Sse.Prefetch0(ahead + (long)i * TElement.Bytes);
            var u = TWidth.Load<TElement>(w, at + i);
            var v = TWidth.Load<TElement>(w, at + i + lanes);
            float* xi = rowsAt + i;
            a0 = TWidth.MultiplyAdd(u, TWidth.Load(xi), a0);
            b0 = TWidth.MultiplyAdd(v, TWidth.Load(xi + lanes), b0);
            if (rows > 1) { a1 = TWidth.MultiplyAdd(u, TWidth.Load(xi + stride), a1); b1 = TWidth.MultiplyAdd(v, TWidth.Load(xi + stride + lanes), b1); }
            if (rows > 2) { a2 = TWidth.MultiplyAdd(u, TWidth.Load(xi + 2 * stride), a2); b2 = TWidth.MultiplyAdd(v, TWidth.Load(xi + 2 * stride + lanes), b2); }
            if (rows > 3) { a3 = TWidth.MultiplyAdd(u, TWidth.Load(xi + 3 * stride), a3); b3 = TWidth.MultiplyAdd(v, TWidth.Load(xi + 3 * stride + lanes), b3); }
        }
        return (TWidth.SumOfFour(TWidth.Add(a0, b0), TWidth.Add(a1, b1), TWidth.Add(a2, b2), TWidth.Add(a3, b3)), default);
    }
}
