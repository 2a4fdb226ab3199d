using DomainAssistant.Model.Kernels;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Model.Tests.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Kernels;

public class SmallBatchLinearTests
{
    // Relative to outputs of size ~sqrt(in) (unit-normal inputs and weights): float32 sums in another order.
    const double Tolerance = 1e-4;

    [Theory]
    [InlineData(1, 256, 256, false, 1)]
    [InlineData(2, 256, 257, true, 1)]   // odd output count: the last column alone
    [InlineData(3, 288, 768, false, 2)]
    [InlineData(4, 768, 288, true, 2)]
    [InlineData(5, 512, 300, false, 1)]
    [InlineData(8, 288, 1001, true, 2)]
    [InlineData(6, 1040, 300, true, 1)]  // input wider than one slice: 512 + 512 + 16
    [InlineData(7, 2048, 257, false, 2)]
    [InlineData(8, 2048, 64, true, 1)]
    public void Equals_libtorchs_linear_for_every_row_count(int rows, int inFeatures, int outFeatures, bool withBias, int threads)
    {
        using var threadCount = new TorchThreads(threads);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator(42, CPU);
        var x = randn([1, rows, inFeatures], generator: generator);
        var w = randn([outFeatures, inFeatures], generator: generator);
        var b = withBias ? randn([outFeatures], generator: generator) : null;

        // Without AVX-512 or AVX2 the kernel must stand aside (libtorch does the product); with either, it must take it.
        Assert.Equal(SmallBatchLinear.Lanes > 0, SmallBatchLinear.Applies(x, w, b));
        var expected = nn.functional.linear(x, w, b);
        if (SmallBatchLinear.Lanes > 0) Assert.True(RandomLlama.MaxDifference(expected, SmallBatchLinear.Forward(x, w, b)) < Tolerance);
        // Every width this machine has, not just the one it serves in: an AVX-512 machine checks the AVX2 loop too.
        foreach (var lanes in SmallBatchLinear.SupportedLanes)
        {
            var ours = SmallBatchLinear.Multiply<Float32Element>(x, w, b, lanes);
            Assert.Equal(expected.shape, ours.shape);
            Assert.True(RandomLlama.MaxDifference(expected, ours) < Tolerance, $"{lanes} lanes");
        }
    }

    [Theory]
    [InlineData(1, 768, 128, 1)]   // a stacked A of two rank-64 adapters, one decoding row
    [InlineData(2, 128, 768, 2)]   // short columns: 128 inputs
    [InlineData(3, 16, 257, 1)]    // one 16-weight step a column, odd output count
    [InlineData(4, 2048, 64, 2)]   // down_proj's A: two 1,024-wide slices
    [InlineData(5, 1040, 96, 1)]   // a slice of 1,024 and one of 16
    [InlineData(6, 768, 32, 2)]
    [InlineData(7, 64, 768, 1)]
    [InlineData(8, 768, 128, 2)]
    [InlineData(8, 128, 2048, 1)]
    public void A_bf16_factor_product_equals_libtorchs_float32_product_of_the_rounded_factor(int rows, int inFeatures, int outFeatures, int threads)
    {
        using var threadCount = new TorchThreads(threads);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator(44, CPU);
        var x = randn([rows, 1, inFeatures], generator: generator);
        var factor = randn([outFeatures, inFeatures], generator: generator).to_type(ScalarType.BFloat16);

        // The rounded factor widened back is exact, so only the float32 summation order may differ.
        var expected = nn.functional.linear(x, factor.to_type(ScalarType.Float32));
        var tolerance = Tolerance * Math.Max(1, expected.abs().max().item<float>());
        foreach (var lanes in SmallBatchLinear.SupportedLanes)
        {
            var ours = SmallBatchLinear.Multiply<BFloat16Element>(x, factor, null, lanes);
            Assert.Equal(ScalarType.Float32, ours.dtype);
            Assert.Equal(expected.shape, ours.shape);
            Assert.True(RandomLlama.MaxDifference(expected, ours) < tolerance, $"{lanes} lanes");
        }
    }

    [Fact]
    public void Leaves_to_libtorch_what_it_does_not_handle()
    {
        using var scope = NewDisposeScope();
        var w = randn(256, 256);
        using (no_grad())
        {
            Assert.False(SmallBatchLinear.Applies(randn(9, 256), w, null));                                   // a prefill
            Assert.False(SmallBatchLinear.Applies(randn(2, 256).to_type(ScalarType.BFloat16), w.to_type(ScalarType.BFloat16), null));
            Assert.False(SmallBatchLinear.Applies(randn(2, 255), randn(256, 255), null));                    // in not a multiple of the lanes
            Assert.False(SmallBatchLinear.Applies(randn(2, 64), randn(64, 64), null));                       // too small to gain
            Assert.False(SmallBatchLinear.Applies(randn(256, 2).t(), w, null));                              // not contiguous
        }
        Assert.False(SmallBatchLinear.Applies(randn(2, 256), w, null));                                      // autograd is on
        Assert.Throws<ArgumentException>(() => SmallBatchLinear.Forward(randn(2, 256), w, null));
    }

    [Fact]
    public void A_small_bf16_decoding_product_equals_the_float32_product_rounded_to_bf16()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator(3, CPU);
        var x = randn([8, 1, 64], generator: generator).to_type(ScalarType.BFloat16);
        var w = randn([172, 64], generator: generator).to_type(ScalarType.BFloat16);
        var b = randn([172], generator: generator).to_type(ScalarType.BFloat16);

        var ours = SmallBatchLinear.Linear(x, w, b);

        Assert.Equal(ScalarType.BFloat16, ours.dtype);
        Assert.Equal(new long[] { 8, 1, 172 }, ours.shape);
        var exact = nn.functional.linear(x.to_type(ScalarType.Float32), w.to_type(ScalarType.Float32), b.to_type(ScalarType.Float32));
        Assert.True(RandomLlama.MaxDifference(exact.to_type(ScalarType.BFloat16).to_type(ScalarType.Float32), ours.to_type(ScalarType.Float32)) == 0);
    }

    [Fact]
    public void Linear_gives_libtorchs_result_either_way()
    {
        using var scope = NewDisposeScope();
        var x = randn(2, 256);
        var w = randn(256, 256);
        var training = SmallBatchLinear.Linear(x, w, null);   // autograd on: libtorch
        using var noGrad = no_grad();
        var decoding = SmallBatchLinear.Linear(x, w, null);   // the kernel, where AVX-512 or AVX2 exists
        Assert.True(RandomLlama.MaxDifference(training, decoding) < Tolerance);
    }

    [Fact]
    public void A_model_large_enough_for_the_kernel_decodes_as_its_full_sequence_forward()
    {
        // d=256 makes every projection 65,536 weights or more, so cached decoding (1 row) runs the kernel while the
        // full-sequence forward (12 rows, autograd on) runs libtorch.
        var config = RandomLlama.Config() with { HiddenSize = 256, IntermediateSize = 512, VocabSize = 300, NumAttentionHeads = 4, NumKeyValueHeads = 2 };
        using var model = RandomLlama.Create(config);
        using var ids = RandomLlama.Ids(2, 12, 300, seed: 3);
        using var full = model.Forward(ids);
        using var cache = model.NewKvCache(slots: 2, capacity: 12);
        var steps = new List<Tensor>();
        for (var pos = 0; pos < 12; pos++)
        {
            using var token = ids.narrow(1, pos, 1);
            steps.Add(model.Forward(token, cache, [0, 1]));
        }
        using var cached = cat(steps, 1);
        foreach (var step in steps) step.Dispose();
        Assert.True(RandomLlama.MaxDifference(full, cached) < 1e-3 * Math.Max(1, full.abs().max().item<float>()));
    }
}
