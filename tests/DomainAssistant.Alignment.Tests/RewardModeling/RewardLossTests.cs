using DomainAssistant.Alignment.RewardModeling;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.Tests.RewardModeling;

/// <summary>The reward losses and metrics against values worked out by hand.</summary>
public sealed class RewardLossTests
{
    static Tensor Floats(params float[] values) => tensor(values);

    [Fact]
    public void Pointwise_loss_is_the_mean_binary_cross_entropy_of_the_scores_as_logits()
    {
        using var scores = Floats(2f, -1f, 0f);
        using var up = Floats(1f, 0f, 0f);

        using var loss = RewardLosses.Pointwise(scores, up);

        // −log σ(2) = log(1 + e^−2) = 0.126928; −log(1 − σ(−1)) = log(1 + e^−1) = 0.313262; −log(1 − σ(0)) = log 2 = 0.693147.
        Assert.Equal((0.126928 + 0.313262 + 0.693147) / 3, loss.item<float>(), 5);
    }

    [Fact]
    public void Bradley_terry_loss_is_minus_the_mean_log_sigmoid_of_the_margin()
    {
        using var chosen = Floats(1f, 0.5f);
        using var rejected = Floats(0f, 1.5f);

        using var loss = RewardLosses.BradleyTerry(chosen, rejected);

        // Margins 1 and −1: −log σ(1) = 0.313262, −log σ(−1) = 1.313262.
        Assert.Equal((0.313262 + 1.313262) / 2, loss.item<float>(), 5);
    }

    [Fact]
    public void Bradley_terry_gradient_pushes_chosen_up_and_rejected_down_by_one_minus_the_win_probability()
    {
        using var chosen = Floats(1f).requires_grad_();
        using var rejected = Floats(0f).requires_grad_();

        using var loss = RewardLosses.BradleyTerry(chosen, rejected);
        loss.backward();

        // d/dc −log σ(c − r) = −(1 − σ(1)) = −0.268941.
        Assert.Equal(-0.268941, chosen.grad!.item<float>(), 5);
        Assert.Equal(0.268941, rejected.grad!.item<float>(), 5);
    }

    [Fact]
    public void Auc_counts_ties_as_half_and_ece_weighs_bins_by_size()
    {
        // Ups score 3 and 1, downs 1 and −2: of 4 (up, down) combinations 3 win and 1 ties.
        Assert.Equal(3.5 / 4, RewardMetrics.AreaUnderCurve([3, 1, 1, -2], [true, true, false, false]), 9);
        // Bin [0.9, 1): 0.95 and 0.91 (mean 0.93), both up: |0.93 − 1| = 0.07. Bin [0.2, 0.3): 0.25, down: 0.25. ECE = 2/3·0.07 + 1/3·0.25.
        Assert.Equal(2.0 / 3 * 0.07 + 1.0 / 3 * 0.25, RewardMetrics.CalibrationError([0.95, 0.91, 0.25], [true, true, false]), 9);
    }
}
