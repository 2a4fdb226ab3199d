using System.Runtime.CompilerServices;

namespace DomainAssistant.Model.Kernels;

/// <summary>
/// The LoRA up-projections added into a layer's output, each row through its own adapter (block) only:
/// y[row, j] += s_b · Σ_c low_b[row, c] · B_b[j, c] for every block b and each of its rows. <see cref="Run"/>
/// does B's panels [from, to), i.e. output columns [from P, to P) with P = 2 registers of lanes.
/// </summary>
/// <remarks>
/// B comes in panels ([panels, r, P]): a panel's weights for every rank lie one after another, so the loop streams
/// through them while it broadcasts each row's low-rank activation and accumulates up to 4 rows in registers (8
/// accumulators and 2 weight registers fit AVX2's 16), with no horizontal sums. Walking B stored [Σr, out] instead,
/// a register's worth of columns per rank, jumped a whole row of B (kilobytes) between loads, and ran at half the
/// pace. A row multiplies only its own adapter's ranks, half the arithmetic (with two adapters) of every row running
/// through every adapter's.
/// </remarks>
/// <param name="low">Every block's low-rank activations, block b's [rows of b, rank of b] at <see cref="LowRankBlocks.LowOffset"/>.</param>
/// <param name="panels">Per block, its adapter's B panels [⌈n / P⌉, r, P] bfloat16 (<see cref="LowRankFactors.UpPanels"/>).</param>
/// <param name="n">Output columns.</param>
/// <param name="blocks">The blocks and their rows.</param>
/// <param name="y">[batch rows, n] float32: added to.</param>
internal readonly unsafe struct LowRankUp<TWidth, TVector>(float* low, byte** panels, int n, LowRankBlocks blocks, float* y)
    where TWidth : struct, IVectorWidth<TVector>
    where TVector : struct
{
    /// <summary>Rows accumulated in registers at once.</summary>
    const int RowsAtOnce = 4;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int from, int to)
    {
        int width = 2 * TWidth.Lanes;
        for (int panel = from; panel < to; panel++)
        {
            int column = panel * width;
            for (int b = 0; b < blocks.Count; b++)
            {
                int[] rows = blocks.Rows[b];
                int rank = blocks.Rank[b];
                byte* block = panels[b] + (long)panel * rank * width * sizeof(ushort);
                for (int first = 0; first < rows.Length; first += RowsAtOnce)
                {
                    float* activations = low + blocks.LowOffset[b] + first * rank;
                    float scaling = blocks.Scaling[b];
                    switch (Math.Min(RowsAtOnce, rows.Length - first))
                    {
                        case 1: Panel<One>(rows, first, activations, rank, scaling, block, column); break;
                        case 2: Panel<Two>(rows, first, activations, rank, scaling, block, column); break;
                        case 3: Panel<Three>(rows, first, activations, rank, scaling, block, column); break;
                        default: Panel<Four>(rows, first, activations, rank, scaling, block, column); break;
                    }
                }
            }
        }
    }

    /// <summary>One panel's columns from <paramref name="column"/> for up to 4 rows of one block: batch rows
    /// <paramref name="batchRows"/>[first..], whose activations are [rows, rank] at <paramref name="l"/>; the block's
    /// weights [rank, P] at <paramref name="weights"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Panel<TRows>(int[] batchRows, int first, float* l, int rank, float scale, byte* weights, int column) where TRows : struct, IRowCount
    {
        int count = TRows.Count, lanes = TWidth.Lanes;
        TVector a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
        for (int c = 0; c < rank; c++)
        {
            long index = (long)c * 2 * lanes;
            var w0 = TWidth.Load<BFloat16Element>(weights, index);
            var w1 = TWidth.Load<BFloat16Element>(weights, index + lanes);
            var s = TWidth.Create(l[c]);
            a00 = TWidth.MultiplyAdd(w0, s, a00); a01 = TWidth.MultiplyAdd(w1, s, a01);
            if (count > 1) { s = TWidth.Create(l[rank + c]); a10 = TWidth.MultiplyAdd(w0, s, a10); a11 = TWidth.MultiplyAdd(w1, s, a11); }
            if (count > 2) { s = TWidth.Create(l[2 * rank + c]); a20 = TWidth.MultiplyAdd(w0, s, a20); a21 = TWidth.MultiplyAdd(w1, s, a21); }
            if (count > 3) { s = TWidth.Create(l[3 * rank + c]); a30 = TWidth.MultiplyAdd(w0, s, a30); a31 = TWidth.MultiplyAdd(w1, s, a31); }
        }
        var scaling = TWidth.Create(scale);
        AddScaled(batchRows[first], column, a00, a01, scaling);
        if (count > 1) AddScaled(batchRows[first + 1], column, a10, a11, scaling);
        if (count > 2) AddScaled(batchRows[first + 2], column, a20, a21, scaling);
        if (count > 3) AddScaled(batchRows[first + 3], column, a30, a31, scaling);
    }

    /// <summary>y[row, column + i] += scaling · (low, high)[i] for the panel's columns that exist.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void AddScaled(int row, int column, TVector low, TVector high, TVector scaling)
    {
        int lanes = TWidth.Lanes;
        float* target = y + (long)row * n + column;
        if (column + 2 * lanes <= n)
        {
            TWidth.Store(TWidth.MultiplyAdd(low, scaling, TWidth.Load(target)), target);
            TWidth.Store(TWidth.MultiplyAdd(high, scaling, TWidth.Load(target + lanes)), target + lanes);
            return;
        }
        AddPartial(target, n - column, low, high, scaling);
    }

    /// <summary>The last panel, which runs past the last column: through a buffer, the <paramref name="columns"/> that exist only.</summary>
    static void AddPartial(float* target, int columns, TVector low, TVector high, TVector scaling)
    {
        int lanes = TWidth.Lanes;
        float* sums = stackalloc float[2 * lanes];
        TWidth.Store(TWidth.MultiplyAdd(low, scaling, default), sums);
        TWidth.Store(TWidth.MultiplyAdd(high, scaling, default), sums + lanes);
        for (int i = 0; i < columns; i++) target[i] += sums[i];
    }
}
