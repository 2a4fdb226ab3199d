using DomainAssistant.Model.Tests.Support;
using DomainAssistant.Training.Optimization;

namespace DomainAssistant.Training.Tests.NativeSafety;

/// <summary>Every Scalar the training code hands libtorch is owned by someone (see <see cref="TemporaryScalarScan"/>).</summary>
public class TemporaryScalarTests
{
    [Fact]
    public void The_training_library_hands_libtorch_no_temporary_scalars() =>
        AssertNone(TemporaryScalarScan.Find(typeof(AdamW).Assembly));

    [Fact]
    public void The_command_line_hands_libtorch_no_temporary_scalars() =>
        AssertNone(TemporaryScalarScan.Find(typeof(DomainAssistant.Cli.Commands.TrainCommand).Assembly));

    [Fact]
    public void The_training_tests_hand_libtorch_no_temporary_scalars() =>
        AssertNone(TemporaryScalarScan.Find(typeof(TemporaryScalarTests).Assembly));

    static void AssertNone(IReadOnlyList<string> findings) =>
        Assert.True(findings.Count == 0, $"{findings.Count} calls hand libtorch a temporary Scalar:\n{string.Join("\n", findings)}");
}
