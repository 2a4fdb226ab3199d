using DomainAssistant.Model.Modeling;
using DomainAssistant.Model.Tests.Support;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.NativeSafety;

/// <summary>Every Scalar handed to libtorch is owned by someone (see <see cref="TemporaryScalarScan"/>).</summary>
public class TemporaryScalarTests
{
    [Fact]
    public void The_model_library_hands_libtorch_no_temporary_scalars() =>
        AssertNone(TemporaryScalarScan.Find(typeof(LlamaForCausalLM).Assembly));

    [Fact]
    public void The_model_tests_hand_libtorch_no_temporary_scalars() =>
        AssertNone(TemporaryScalarScan.Find(typeof(TemporaryScalarTests).Assembly.GetTypes().Where(t => t != typeof(Offender))));

    [Fact]
    public void The_scan_finds_an_implicit_scalar_and_one_made_inside_torchsharp()
    {
        var findings = TemporaryScalarScan.Find([typeof(Offender)]);
        Assert.Contains(findings, f => f.Contains("Scalar.op_Implicit", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("Tensor.square()", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("Tensor.add(Tensor)", StringComparison.Ordinal));
        Assert.Equal(3, findings.Count);
    }

    static void AssertNone(IReadOnlyList<string> findings) =>
        Assert.True(findings.Count == 0, $"{findings.Count} calls hand libtorch a temporary Scalar:\n{string.Join("\n", findings)}");

    /// <summary>What the scan must catch (never called).</summary>
    static class Offender
    {
        public static Tensor Implicit(Tensor x) => x.mul(2.0);

        public static Tensor Square(Tensor x) => x.square();

        public static Tensor Add(Tensor x) => x.add(x);
    }
}
