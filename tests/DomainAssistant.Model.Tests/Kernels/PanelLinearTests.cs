using DomainAssistant.Model.Kernels;
using DomainAssistant.Model.Tests.Modeling;
using DomainAssistant.Model.Tests.Support;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Kernels;

public class PanelLinearTests
{
    // Relative to outputs of size ~sqrt(in) (unit-normal inputs and weights): float32 sums in another order.
    const double Tolerance = 1e-4;

    [Avx512Theory]
    [InlineData(4, 256, 256, false, 1)]
    [InlineData(5, 288, 768, true, 2)]
    [InlineData(6, 768, 288, false, 2)]
    [InlineData(7, 512, 300, true, 1)]   // 300 columns: the last panel holds 12 real ones
    [InlineData(8, 2048, 257, true, 2)]  // the last panel holds 1
    [InlineData(8, 768, 2048, false, 2)]
    public void Equals_libtorchs_linear_through_the_weights_panels(int rows, int inFeatures, int outFeatures, bool withBias, int threads)
    {
        using var threadCount = new TorchThreads(threads);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator(7, CPU);
        var x = randn([rows, 1, inFeatures], generator: generator);
        var w = randn([outFeatures, inFeatures], generator: generator);
        var b = withBias ? randn([outFeatures], generator: generator) : null;
        using var panels = new WeightPanels(w);
        Assert.Equal((outFeatures + 31) / 32, panels.Count);
        Assert.Equal(4L * panels.Count * 32 * inFeatures, panels.Bytes);

        var ours = SmallBatchLinear.Forward(x, w, b, panels);
        var expected = nn.functional.linear(x, w, b);
        Assert.Equal(expected.shape, ours.shape);
        Assert.True(RandomLlama.MaxDifference(expected, ours) < Tolerance);
    }

    [Avx512Fact]
    public void Panels_of_another_weight_are_refused_by_name()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var panels = new WeightPanels(randn(300, 256));
        var error = Assert.Throws<ArgumentException>(() => SmallBatchLinear.Forward(randn(8, 256), randn(256, 256), null, panels));
        Assert.Contains("[300, 256] do not fit weight [256, 256]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fewer_rows_than_the_panel_threshold_leave_the_panels_alone_and_are_still_right()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var w = randn(300, 256);
        var x = randn(SmallBatchLinear.MinPanelRows - 1, 256);
        using var panels = new WeightPanels(w);
        panels.Dispose(); // were they read, this would throw ObjectDisposedException
        Assert.True(RandomLlama.MaxDifference(nn.functional.linear(x, w, null), SmallBatchLinear.Linear(x, w, null, panels)) < Tolerance);
    }

    [Fact]
    public void Only_a_2d_float32_cpu_weight_gets_panels()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("BFloat16", Assert.Throws<ArgumentException>(() => new WeightPanels(randn(64, 64).to_type(TorchSharp.torch.ScalarType.BFloat16))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new WeightPanels(randn(64)));
    }
}
