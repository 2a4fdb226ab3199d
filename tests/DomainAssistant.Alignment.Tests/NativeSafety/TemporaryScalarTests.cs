using DomainAssistant.Alignment.Feedback;
using DomainAssistant.Model.Tests.Support;

namespace DomainAssistant.Alignment.Tests.NativeSafety;

/// <summary>Every Scalar the alignment code hands libtorch is owned by someone (see <see cref="TemporaryScalarScan"/>).</summary>
public class TemporaryScalarTests
{
    [Fact]
    public void The_alignment_library_hands_libtorch_no_temporary_scalars() =>
        AssertNone(TemporaryScalarScan.Find(typeof(FeedbackFile).Assembly));

    [Fact]
    public void The_alignment_tests_hand_libtorch_no_temporary_scalars() =>
        AssertNone(TemporaryScalarScan.Find(typeof(TemporaryScalarTests).Assembly));

    static void AssertNone(IReadOnlyList<string> findings) =>
        Assert.True(findings.Count == 0, $"{findings.Count} calls hand libtorch a temporary Scalar:\n{string.Join("\n", findings)}");
}
