using System.Buffers;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Kernels;

/// <summary>
/// A decoding step's linear layer with each row's own LoRA adapter added in: y = x W^T + b, plus, for a row served by
/// adapter (block) b, s_b · (x A_b^T) B_b^T, with each adapter's factors in their serving copy
/// (<see cref="LowRankFactors"/>); <see cref="LowRankBlocks"/> says which rows each adapter serves.
/// </summary>
/// <remarks>
/// As separate libtorch-level products, a layer of a mixed batch made five calls (the base product, x A^T, a mask
/// multiply, the B product, the add), each with its fixed cost (an output tensor, a hand-off to the workers,
/// libtorch's dispatch), and every row ran through every adapter's ranks, the mask zeroing all but its own. Here the
/// layer makes two hand-offs and each row runs through its own adapter only: its rows gathered by block, x A_b^T
/// split over the workers by ranks, then each worker's share of the base product's columns, followed by the
/// blocks' up-projections added into those same columns (<see cref="LowRankUp{TWidth, TVector}"/>).
/// </remarks>
internal static class LowRankLinear
{
    /// <summary>Fewest factor weights per worker for the down-projection: below it one thread does it all.</summary>
    const long WeightsPerWorker = 32_768;

    /// <summary>Output columns in one panel of B (<see cref="LowRankUp{TWidth, TVector}"/>): two registers of the
    /// kernel's lanes, or 0 on a machine where the kernel does not run.</summary>
    public static int PanelWidth => 2 * SmallBatchLinear.Lanes;

    /// <summary>Whether <see cref="Compute"/> takes this layer, once its base product <see cref="SmallBatchLinear.Applies"/>
    /// (checked first, before anything is made): the factors and blocks fit it, one block row per input row (a
    /// decoding step). Otherwise run the products one by one.</summary>
    /// <param name="input">[..., in] float32.</param>
    /// <param name="weight">[out, in] float32.</param>
    /// <param name="factors">Each block's adapter's factors, in block order.</param>
    /// <param name="blocks">Which rows each block serves: one per row of the input (a decoding step).</param>
    public static bool Fits(Tensor input, Tensor weight, IReadOnlyList<LowRankFactors> factors, LowRankBlocks blocks)
    {
        if (factors.Count != blocks.Count) return false;
        long inFeatures = weight.size(1), outFeatures = weight.size(0);
        if (input.numel() != blocks.BatchRows * inFeatures) return false;
        for (int b = 0; b < factors.Count; b++)
            if (factors[b].Rank != blocks.Rank[b] || factors[b].InFeatures != inFeatures || factors[b].OutFeatures != outFeatures) return false;
        return true;
    }

    /// <summary>The layer's output, once <see cref="SmallBatchLinear.Applies"/> and <see cref="Fits"/> said yes.</summary>
    /// <param name="input">[..., in] float32, at most <see cref="SmallBatchLinear.MaxRows"/> rows in all.</param>
    /// <param name="weight">[out, in] float32.</param>
    /// <param name="bias">[out] float32, or null.</param>
    /// <param name="panels">A panel copy of <paramref name="weight"/>, or null (as for <see cref="SmallBatchLinear.Linear"/>).</param>
    /// <param name="factors">Each block's adapter's factors, in block order.</param>
    /// <param name="blocks">Which rows each block serves.</param>
    /// <returns>[..., out] float32.</returns>
    public static unsafe Tensor Compute(Tensor input, Tensor weight, Tensor? bias, WeightPanels? panels, IReadOnlyList<LowRankFactors> factors, LowRankBlocks blocks)
    {
        int k = (int)weight.size(1), n = (int)weight.size(0);
        int rows = (int)(input.numel() / k);
        if (blocks.BatchRows != rows || factors.Count != blocks.Count)
            throw new ArgumentException($"{blocks.Count} blocks over {blocks.BatchRows} rows do not fit {factors.Count} adapters' factors and {rows} rows.", nameof(blocks));
        bool usePanels = panels is not null && rows >= SmallBatchLinear.MinPanelRows;
        if (usePanels && (panels!.InFeatures != k || panels.OutFeatures != n))
            throw new ArgumentException($"weight panels of [{panels.OutFeatures}, {panels.InFeatures}] do not fit weight [{n}, {k}].", nameof(panels));
        var output = SmallBatchLinear.NewOutput(input, n);
        var gathered = ArrayPool<float>.Shared.Rent(Math.Max(1, blocks.GatheredRows * k)); // each block's rows together
        var low = ArrayPool<float>.Shared.Rent(Math.Max(1, blocks.LowLength));              // each block's x A_b^T
        // Each adapter's factors: libtorch's memory, which does not move; kept alive below.
        byte** down = stackalloc byte*[factors.Count];
        byte** up = stackalloc byte*[factors.Count];
        for (int b = 0; b < factors.Count; b++)
        {
            down[b] = Address(factors[b].A);
            up[b] = Address(factors[b].UpPanels);
        }
        try
        {
            fixed (byte* x = input.bytes, w = weight.bytes, y = output.bytes)
            fixed (byte* bb = bias is null ? default : bias.bytes)
            fixed (float* g = gathered, l = low)
            {
                Gather((float*)x, k, blocks, g);
                var step = new Step((float*)x, rows, k, w, (float*)bb, (float*)y, n, g, l, down, up, blocks, usePanels ? panels : null);
                if (SmallBatchLinear.Lanes == Width16.Lanes) step.Run<Width16, Vector512<float>>(input, bias, output);
                else step.Run<Width8, Vector256<float>>(input, bias, output);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(gathered);
            ArrayPool<float>.Shared.Return(low);
        }
        GC.KeepAlive(input);
        GC.KeepAlive(weight);
        GC.KeepAlive(bias);
        GC.KeepAlive(factors);
        return output;
    }

    /// <summary>Where a CPU tensor's data starts (libtorch's allocation: it stays put while the tensor lives).</summary>
    static unsafe byte* Address(Tensor tensor)
    {
        fixed (byte* start = tensor.bytes) return start;
    }

    /// <summary>Copies each block's rows of x, block after block, to <paramref name="gathered"/>.</summary>
    static unsafe void Gather(float* x, int k, LowRankBlocks blocks, float* gathered)
    {
        long bytes = (long)k * sizeof(float);
        for (int b = 0; b < blocks.Count; b++)
        {
            int[] rows = blocks.Rows[b];
            for (int i = 0; i < rows.Length; i++)
                Buffer.MemoryCopy(x + (long)rows[i] * k, gathered + (long)(blocks.FirstGathered[b] + i) * k, bytes, bytes);
        }
    }

    /// <summary>The layer's pointers, for the two hand-offs.</summary>
    readonly unsafe struct Step(float* x, int rows, int k, byte* w, float* bias, float* y, int n,
        float* gathered, float* low, byte** down, byte** up, LowRankBlocks blocks, WeightPanels? panels)
    {
        public void Run<TWidth, TVector>(Tensor input, Tensor? biasTensor, Tensor output)
            where TWidth : struct, IVectorWidth<TVector>
            where TVector : struct
        {
            int threads = get_num_threads();
            long factorWeights = (long)blocks.TotalRank * k;
            WorkerRanges.Run(blocks.TotalRank, (int)Math.Clamp(factorWeights / WeightsPerWorker, 1, threads), Down<TWidth, TVector>);
            var upProjections = new LowRankUp<TWidth, TVector>(low, up, n, blocks, y);
            int width = 2 * TWidth.Lanes, upPanelCount = (n + width - 1) / width;
            int workers = Math.Min(threads, Math.Max(1, n / 256));
            if (panels is not null)
            {
                // The base product's panel loop splits its columns its own way: it first, then the up-projections.
                PanelLinear.Compute(input, panels, biasTensor, output, rows);
                WorkerRanges.Run(upPanelCount, workers, upProjections.Run);
                return;
            }
            // Split by B's panels, so each worker adds the up-projections into the base columns it has just written.
            var product = new SmallBatchProduct<TWidth, TVector, Float32Element>(x, rows, k, w, bias, y, n);
            int columns = n;
            WorkerRanges.Run(upPanelCount, workers, (from, to) =>
            {
                product.Run(from * width, Math.Min(columns, to * width));
                upProjections.Run(from, to);
            });
        }

        /// <summary>Ranks [from, to) of every block's taken in order: x A_b^T for the ranks of each block b they cover, over b's rows only.</summary>
        void Down<TWidth, TVector>(int from, int to)
            where TWidth : struct, IVectorWidth<TVector>
            where TVector : struct
        {
            for (int b = 0; b < blocks.Count; b++)
            {
                int start = blocks.Start[b], rank = blocks.Rank[b], count = blocks.Rows[b].Length;
                int first = Math.Max(from, start) - start, last = Math.Min(to, start + rank) - start;
                if (first >= last || count == 0) continue;
                new SmallBatchProduct<TWidth, TVector, BFloat16Element>(gathered + (long)blocks.FirstGathered[b] * k, count, k,
                    down[b], null, low + blocks.LowOffset[b], rank).Run(first, last);
            }
        }
    }
}
