using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Kernels;

/// <summary>
/// y = x W^T + b for 2-8 float32 rows, from a copy of W laid out in column panels (<see cref="WeightPanels"/>):
/// each input element is broadcast to a register and multiplied into 32 output columns at once.
/// </summary>
/// <remarks>
/// The row-major kernel (<see cref="SmallBatchLinear"/>) loads a 16-float slice of each of 8 input rows for every
/// 64-byte line of weights: 9 vector loads a line. Out of cache that loop streams at about half the rate of one row,
/// however it prefetches: the loads cap the misses in flight. Here the weights of 32 output columns sit
/// together for each input element, so a line pair feeds 16 fused multiply-adds whose other operand is one
/// broadcast float per row: 1 + 4 loads a line, 32-bit ones for the inputs, and 8 rows stream faster than the
/// row-major loop out of cache (figures: docs/modeling.md, 'Panel-ordered weights').
/// </remarks>
internal static class PanelLinear
{
    /// <param name="input">[rows, in] float32, contiguous, 2-8 rows.</param>
    /// <param name="panels">The weight's panels.</param>
    /// <param name="bias">[out] float32, or null.</param>
    /// <param name="output">[rows, out] float32, contiguous: written.</param>
    /// <param name="rows">Rows of <paramref name="input"/> and <paramref name="output"/>.</param>
    public static unsafe void Compute(Tensor input, WeightPanels panels, Tensor? bias, Tensor output, int rows)
    {
        fixed (byte* x = input.bytes, y = output.bytes)
        fixed (byte* b = bias is null ? default : bias.bytes)
        {
            var product = new Product((float*)x, rows, panels.InFeatures, panels.Pointer, (float*)b, (float*)y, panels.OutFeatures);
            int count = panels.Count;
            WorkerRanges.Run(count, Math.Min(get_num_threads(), Math.Max(1, count / 8)), product.Run);
        }
        GC.KeepAlive(input);
        GC.KeepAlive(panels);
        GC.KeepAlive(bias);
        GC.KeepAlive(output);
    }

    /// <summary>The pointers of one product; <see cref="Run"/> computes panels [from, to).</summary>
    readonly unsafe struct Product(float* x, int rows, int k, float* panels, float* bias, float* y, int n)
    {
        /// <summary>How far ahead in the panel stream the loop asks for weights: 2 KB (in a C harness on this machine
        /// 1-4 KB ahead all beat no prefetch, 2-4 KB best; 8-16 KB slower). Each step of the loop reads two lines and
        /// requests both: requesting one left every other line to the hardware prefetcher, and 8 rows of the 110M
        /// products, and the model's batch-8 step, ran slower (figures: docs/modeling.md,
        /// 'Panel-ordered weights').</summary>
        const int PrefetchFloats = 512;

        /// <summary>Inputs summed in registers before the sums go to the output: float32 error grows with the length
        /// of one running sum, and the 110M shape's 2,048 inputs in one sum strayed visibly from libtorch (figures:
        /// docs/modeling.md, 'Panel-ordered weights').</summary>
        const int BlockInputs = 256;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int from, int to)
        {
            switch (rows)
            {
                case 2: Panels<Two>(from, to); break;
                case 3: Panels<Three>(from, to); break;
                case 4: Panels<Four>(from, to); break;
                case 5: Panels<Five>(from, to); break;
                case 6: Panels<Six>(from, to); break;
                case 7: Panels<Seven>(from, to); break;
                default: Panels<Eight>(from, to); break;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Panels<TRows>(int from, int to) where TRows : struct, IRowCount
        {
            int rows = TRows.Count;
            float* x0 = x, x1 = x + k, x2 = x + 2 * k, x3 = x + 3 * k, x4 = x + 4 * k, x5 = x + 5 * k, x6 = x + 6 * k, x7 = x + 7 * k;
            for (int panel = from; panel < to; panel++)
            {
                int column = panel * WeightPanels.Width;
                for (int start = 0; start < k; start += BlockInputs)
                {
                    // c{row}{half}: output columns [column, +16) and [+16, +32) of one row, over this block's inputs.
                    Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
                    Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
                    float* p = panels + ((long)panel * k + start) * WeightPanels.Width;
                    float* end = p + (long)Math.Min(BlockInputs, k - start) * WeightPanels.Width;
                    for (nint i = start; p < end; p += WeightPanels.Width, i++)
                    {
                        Sse.Prefetch0(p + PrefetchFloats);
                        Sse.Prefetch0(p + PrefetchFloats + 16); // the second line of the pair
                        var w0 = Vector512.LoadAligned(p);
                        var w1 = Vector512.LoadAligned(p + 16);
                        var s = Vector512.Create(x0[i]);
                        c00 = Vector512.FusedMultiplyAdd(w0, s, c00); c01 = Vector512.FusedMultiplyAdd(w1, s, c01);
                        s = Vector512.Create(x1[i]);
                        c10 = Vector512.FusedMultiplyAdd(w0, s, c10); c11 = Vector512.FusedMultiplyAdd(w1, s, c11);
                        if (rows > 2) { s = Vector512.Create(x2[i]); c20 = Vector512.FusedMultiplyAdd(w0, s, c20); c21 = Vector512.FusedMultiplyAdd(w1, s, c21); }
                        if (rows > 3) { s = Vector512.Create(x3[i]); c30 = Vector512.FusedMultiplyAdd(w0, s, c30); c31 = Vector512.FusedMultiplyAdd(w1, s, c31); }
                        if (rows > 4) { s = Vector512.Create(x4[i]); c40 = Vector512.FusedMultiplyAdd(w0, s, c40); c41 = Vector512.FusedMultiplyAdd(w1, s, c41); }
                        if (rows > 5) { s = Vector512.Create(x5[i]); c50 = Vector512.FusedMultiplyAdd(w0, s, c50); c51 = Vector512.FusedMultiplyAdd(w1, s, c51); }
                        if (rows > 6) { s = Vector512.Create(x6[i]); c60 = Vector512.FusedMultiplyAdd(w0, s, c60); c61 = Vector512.FusedMultiplyAdd(w1, s, c61); }
                        if (rows > 7) { s = Vector512.Create(x7[i]); c70 = Vector512.FusedMultiplyAdd(w0, s, c70); c71 = Vector512.FusedMultiplyAdd(w1, s, c71); }
                    }
                    bool first = start == 0;
                    Store(0, column, c00, c01, first);
                    Store(1, column, c10, c11, first);
                    if (rows > 2) Store(2, column, c20, c21, first);
                    if (rows > 3) Store(3, column, c30, c31, first);
                    if (rows > 4) Store(4, column, c40, c41, first);
                    if (rows > 5) Store(5, column, c50, c51, first);
                    if (rows > 6) Store(6, column, c60, c61, first);
                    if (rows > 7) Store(7, column, c70, c71, first);
                }
            }
        }

        /// <summary>Writes (the first block, plus the bias) or adds (later blocks) one row's 32 columns from
        /// <paramref name="column"/>; the last panel may run past the output's width, and only its real columns count.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void Store(int row, int column, Vector512<float> low, Vector512<float> high, bool first)
        {
            float* target = y + (long)row * n + column;
            if (column + WeightPanels.Width <= n)
            {
                if (!first)
                {
                    low += Vector512.Load(target);
                    high += Vector512.Load(target + 16);
                }
                else if (bias is not null)
                {
                    low += Vector512.Load(bias + column);
                    high += Vector512.Load(bias + column + 16);
                }
                low.Store(target);
                high.Store(target + 16);
                return;
            }
            for (int j = 0; j < n - column; j++)
            {
                float value = j < 16 ? low.GetElement(j) : high.GetElement(j - 16);
                target[j] = first ? value + (bias is null ? 0f : bias[column + j]) : target[j] + value;
            }
        }
    }
}
