using DomainAssistant.Model.Kernels;
using DomainAssistant.Model.Lora;
using TorchSharp;
using TorchSharp.Modules;
using DomainAssistant.Model.Tests.Modeling;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Kernels;

public class LowRankLinearTests
{
    // Relative to the largest output: float32 sums in another order (the bf16 factors widen exactly).
    const double Tolerance = 1e-4;

    [Theory]
    [InlineData(1, 768, 768, 64, true, 2)]     // one decoding row, two rank-64 adapters
    [InlineData(2, 256, 257, 16, false, 1)]    // odd output count: a tail of single columns
    [InlineData(4, 768, 2048, 64, false, 2)]   // gate_proj's shape
    [InlineData(5, 2048, 768, 32, true, 1)]    // down_proj's: two input slices
    [InlineData(8, 768, 768, 64, true, 2)]
    [InlineData(8, 288, 1001, 8, false, 2)]
    [InlineData(7, 256, 520, 24, false, 2)]    // a worker's columns not a multiple of two registers
    public void Each_row_gets_the_base_product_plus_its_own_adapters_low_rank_product(int rows, int inFeatures, int outFeatures, int rank, bool withBias, int threads)
    {
        if (SmallBatchLinear.Lanes == 0) return; // the kernel needs AVX-512 or AVX2 with FMA
        using var threadCount = new TorchThreads(threads);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator(46, CPU);
        var x = randn([rows, 1, inFeatures], generator: generator);
        var w = randn([outFeatures, inFeatures], generator: generator);
        var b = withBias ? randn([outFeatures], generator: generator) : null;
        // Two adapters (the second of twice the rank) and their serving copies.
        var factors = new[] { Factors(inFeatures, outFeatures, rank, 2.0, generator), Factors(inFeatures, outFeatures, 2 * rank, 0.5, generator) };
        using var firstCopy = LowRankFactors.Of(factors[0].A, factors[0].B);
        using var secondCopy = LowRankFactors.Of(factors[1].A, factors[1].B);
        LowRankFactors[] served = [firstCopy, secondCopy];
        // Rows alternate between the adapters, the first five on the first; the last row of 3 or more is on the base alone.
        var adapterRows = rows >= 3 ? rows - 1 : rows;
        int[] first = [.. Enumerable.Range(0, adapterRows).Where(row => row % 2 == 0 || row < 5)];
        int[] second = [.. Enumerable.Range(0, adapterRows).Except(first)];
        var blocks = new LowRankBlocks([(rank, 2f, first), (2 * rank, 0.5f, second)], rows);

        // The serving copy is bf16: the expected products take the factors rounded the same way.
        static Tensor Rounded(Tensor t) => t.to_type(ScalarType.BFloat16).to_type(ScalarType.Float32);
        var expected = nn.functional.linear(x, w, b);
        foreach (var (rowsOfBlock, f) in new[] { (first, factors[0]), (second, factors[1]) })
            foreach (var row in rowsOfBlock)
                expected[row].add_(nn.functional.linear(nn.functional.linear(x[row], Rounded(f.A)), Rounded(f.B)), f.ScalingScalar);
        var tolerance = Tolerance * Math.Max(1, expected.abs().max().item<float>());

        Assert.True(SmallBatchLinear.Applies(x, w, b) && LowRankLinear.Fits(x, w, served, blocks));
        var ours = LowRankLinear.Compute(x, w, b, null, served, blocks);
        Assert.Equal(expected.shape, ours.shape);
        Assert.True(RandomLlama.MaxDifference(expected, ours) < tolerance);
        // The panel loop (AVX-512 only) takes the base product from 4 rows; the up-projections are added after it.
        if (!SmallBatchLinear.TakesPanels(w)) return;
        using var panels = new WeightPanels(w);
        Assert.True(RandomLlama.MaxDifference(expected, LowRankLinear.Compute(x, w, b, panels, served, blocks)) < tolerance);
    }

    static LoraFactors Factors(int inFeatures, int outFeatures, int rank, double scaling, Generator generator) =>
        new(new Parameter(randn([rank, inFeatures], generator: generator)), new Parameter(randn([outFeatures, rank], generator: generator)), scaling, 0);

    [Fact]
    public void Stands_aside_for_a_prefill()
    {
        if (SmallBatchLinear.Lanes == 0) return;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator(47, CPU);
        var w = randn([256, 256]);
        var factors = new[] { Factors(256, 256, 16, 1, generator), Factors(256, 256, 16, 1, generator) };
        using var first = LowRankFactors.Of(factors[0].A, factors[0].B);
        using var second = LowRankFactors.Of(factors[1].A, factors[1].B);
        LowRankFactors[] served = [first, second];
        var decoding = new LowRankBlocks([(16, 1f, [0, 2, 4, 6]), (16, 1f, [1, 3, 5, 7])], 8);
        Assert.True(LowRankLinear.Fits(randn([8, 1, 256]), w, served, decoding));
        // Two sequences of three positions: six rows, but the blocks name the batch's two.
        var prefill = new LowRankBlocks([(16, 1f, [0]), (16, 1f, [1])], 2);
        Assert.False(LowRankLinear.Fits(randn([2, 3, 256]), w, served, prefill));
    }

    [Fact]
    public void A_serving_copy_holds_the_factors_rounded_to_bf16_with_B_in_panels()
    {
        if (SmallBatchLinear.Lanes == 0) return;
        using var scope = NewDisposeScope();
        var generator = new Generator(48, CPU);
        var f = Factors(256, 40, 8, 1, generator); // 40 outputs: the last panel runs past them
        using var copy = LowRankFactors.Of(f.A, f.B);
        int width = LowRankLinear.PanelWidth;
        Assert.Equal((8, 256, 40), (copy.Rank, copy.InFeatures, copy.OutFeatures));
        Assert.Equal(ScalarType.BFloat16, copy.A.dtype);
        Assert.Equal([(40 + width - 1) / width, 8, width], copy.UpPanels.shape);
        Assert.True(copy.A.to_type(ScalarType.Float32).allclose(f.A.to_type(ScalarType.BFloat16).to_type(ScalarType.Float32), rtol: 0, atol: 0));
        var rounded = f.B.to_type(ScalarType.BFloat16).to_type(ScalarType.Float32);
        var panels = copy.UpPanels.to_type(ScalarType.Float32);
        for (var column = 0; column < panels.shape[0] * width; column++)
            for (var r = 0; r < 8; r++)
                Assert.Equal(column < 40 ? rounded[column, r].item<float>() : 0f, panels[column / width, r, column % width].item<float>());
        Assert.Throws<ArgumentException>(() => LowRankFactors.Of(randn(8, 250), randn(40, 8)));   // 250 inputs: not a multiple of the lanes
    }

    [Fact]
    public void Blocks_refuse_a_row_in_two_blocks_or_outside_the_batch()
    {
        Assert.Throws<ArgumentException>(() => new LowRankBlocks([(4, 1f, [0, 1]), (4, 1f, [1])], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LowRankBlocks([(4, 1f, [2])], 2));
        var blocks = new LowRankBlocks([(4, 1f, [3]), (8, 1f, [0, 2])], 4);
        Assert.Equal([0, 4], blocks.Start);
        Assert.Equal([0, 1], blocks.FirstGathered);
        Assert.Equal([0, 4], blocks.LowOffset);
        Assert.Equal((12, 3, 20), (blocks.TotalRank, blocks.GatheredRows, blocks.LowLength));
    }
}
