using DomainAssistant.Alignment.Kto;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.Tests.Kto;

/// <summary>The KTO loss against the paper's formula (Ethayarajh et al. 2024, eq. 8) on a worked example.</summary>
public sealed class KtoLossTests
{
    static Tensor Floats(params float[] values) => tensor(values);

    static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    [Fact]
    public void Loss_is_the_mean_of_lambda_minus_value_with_the_reference_point_subtracted()
    {
        // Example 1 desirable: log πθ = −10, log πref = −11, r = 1. Example 2 undesirable: −12 vs −11, r = −1.
        // β = 0.1, z₀ = 0.5, λD = 1, λU = 1.5.
        // v₁ = λD σ(β(r₁ − z₀)) = σ(0.05) = 0.512497; v₂ = λU σ(β(z₀ − r₂)) = 1.5 σ(0.15) = 0.806144.
        // L = ((1 − 0.512497) + (1.5 − 0.806144)) / 2 = 0.590680.
        using var policy = Floats(-10f, -12f);
        using var reference = Floats(-11f, -11f);
        using var desirable = Floats(1f, 0f);

        using var loss = KtoLoss.Compute(policy, reference, desirable, referencePoint: 0.5, beta: 0.1, desirableWeight: 1, undesirableWeight: 1.5);

        var expected = ((1 - Sigmoid(0.1 * (1 - 0.5))) + (1.5 - 1.5 * Sigmoid(0.1 * (0.5 - -1)))) / 2;
        Assert.Equal(0.590680, expected, 5);
        Assert.Equal(expected, loss.item<float>(), 5);
    }

    [Fact]
    public void Raising_a_desirable_answers_log_probability_lowers_the_loss_and_an_undesirable_ones_raises_it()
    {
        using var policy = Floats(-10f, -12f).requires_grad_();
        using var reference = Floats(-10f, -12f);
        using var desirable = Floats(1f, 0f);

        using var loss = KtoLoss.Compute(policy, reference, desirable, 0, 0.1, 1, 1);
        loss.backward();
        var gradient = policy.grad!.data<float>().ToArray();

        // dL/dr₁ = −λD β σ'(0) / 2 = −0.0125; dL/dr₂ = +λU β σ'(0) / 2 = +0.0125.
        Assert.Equal(-0.0125, gradient[0], 6);
        Assert.Equal(0.0125, gradient[1], 6);
    }

    [Fact]
    public void The_reference_point_is_the_mean_mismatched_log_ratio_clamped_at_zero()
    {
        Assert.Equal(0.5, KtoLoss.ReferencePoint([-3, -5], [-4, -5]), 9);
        Assert.Equal(0, KtoLoss.ReferencePoint([-6, -5], [-4, -5]), 9);
    }

    [Fact]
    public void Default_weights_balance_unequal_counts()
    {
        Assert.Equal((3.0, 1.0), KtoLoss.BalancedWeights(desirable: 10, undesirable: 30));
        Assert.Equal((1.0, 2.0), KtoLoss.BalancedWeights(desirable: 40, undesirable: 20));
    }
}
