using System.Runtime.Intrinsics;
using DomainAssistant.Model.Kernels;
using DomainAssistant.Model.Tests.Support;

namespace DomainAssistant.Model.Tests.Kernels;

public class SoftmaxExpTests
{
    /// <summary>Two float ulps, relative: what the remarks of <see cref="SoftmaxExp"/> promise.</summary>
    const double Tolerance = 2.4e-7;

    /// <summary>Inputs over the whole range softmax feeds it: 0 down to past float's normal range, densely near 0.</summary>
    static float[] Inputs()
    {
        var inputs = new List<float> { 0f, -0f, -1e-30f, -1e-7f, -0.5f, -0.6931472f, -1f, -10f, -87.3f };
        var random = new Random(5);
        for (int i = 0; i < 20_000; i++) inputs.Add(-(float)(random.NextDouble() * 87.3));
        for (int i = 0; i < 4_000; i++) inputs.Add(-(float)(random.NextDouble() * 2));
        while (inputs.Count % 16 != 0) inputs.Add(-3f);
        return [.. inputs];
    }

    static void AssertClose(float x, float actual)
    {
        double expected = Math.Exp(x);
        Assert.True(Math.Abs(actual - expected) <= Tolerance * expected, $"exp({x:R}) = {expected:R}, got {actual:R}");
    }

    /// <summary>Runs <paramref name="exp"/>(inputs, at, lanes out) over <see cref="Inputs"/> <paramref name="lanes"/> at a time and checks every lane.</summary>
    static void AssertEveryLane(int lanes, Action<float[], int, float[]> exp)
    {
        var inputs = Inputs();
        var result = new float[lanes];
        for (int i = 0; i < inputs.Length; i += lanes)
        {
            exp(inputs, i, result);
            for (int lane = 0; lane < lanes; lane++) AssertClose(inputs[i + lane], result[lane]);
        }
    }

    [Fact]
    public void Eight_lanes_are_within_two_ulps_of_exp() =>
        AssertEveryLane(8, (inputs, at, lanes) => SoftmaxExp.Of(Vector256.Create(inputs, at)).CopyTo(lanes));

    [Avx512Fact]
    public void Sixteen_lanes_are_within_two_ulps_of_exp() =>
        AssertEveryLane(16, (inputs, at, lanes) => SoftmaxExp.Of(Vector512.Create(inputs, at)).CopyTo(lanes));

    [Theory]
    [InlineData(float.NegativeInfinity)]
    [InlineData(-87.34f)]
    [InlineData(-100f)]
    [InlineData(-1e30f)]
    public void Inputs_past_the_normal_range_give_zero(float x)
    {
        Assert.All(Enumerable.Range(0, 8), lane => Assert.Equal(0f, SoftmaxExp.Of(Vector256.Create(x))[lane]));
        if (Vector512.IsHardwareAccelerated) Assert.Equal(Vector512<float>.Zero, SoftmaxExp.Of(Vector512.Create(x)));
    }
}
