using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.Rloo;

/// <summary>
/// PPO's clipped surrogate (Schulman et al. 2017, eq. 7) over whole answers, as TRL's RLOO applies it: with the ratio
/// ρ = πθ(y|x) / πθ_old(y|x) of the current policy to the one that sampled y,
/// L = mean over answers of max(−A ρ, −A clip(ρ, 1 − ε, 1 + ε)), so an inner epoch cannot move an answer's probability
/// further than ε in the direction its advantage asks.
/// </summary>
public static class ClippedObjective
{
    /// <param name="logProbs">[N] log πθ(y|x) now (with autograd).</param>
    /// <param name="oldLogProbs">[N] log πθ_old(y|x) when sampled (no autograd).</param>
    /// <param name="advantages">[N] leave-one-out advantages.</param>
    /// <param name="epsilon">ε, the clip range (default 0.2).</param>
    /// <returns>The loss and the share of answers whose ratio was clipped.</returns>
    public static (Tensor Loss, double ClippedShare) Compute(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(logProbs);
        ArgumentNullException.ThrowIfNull(advantages);
        using var scope = NewDisposeScope();
        using var low = (1 - epsilon).ToScalar();
        using var high = (1 + epsilon).ToScalar();
        var ratio = logProbs.sub(oldLogProbs).exp();                    // [N] ρ
        var unclipped = advantages.neg().mul(ratio);                     // −A ρ
        var clipped = advantages.neg().mul(ratio.clamp(low, high));      // −A clip(ρ)
        var loss = maximum(unclipped, clipped).mean();
        using var noGrad = no_grad();
        var share = clipped.gt(unclipped).to_type(ScalarType.Float32).mean().item<float>();
        return (loss.MoveToOuterDisposeScope(), share);
    }

    /// <summary>The per-answer KL estimate Σ_t (log πθ − log πref) over an answer's tokens (the k1 estimator of Schulman 2020).</summary>
    public static Tensor SequenceKl(Tensor policyPerToken, Tensor referencePerToken)
    {
        ArgumentNullException.ThrowIfNull(policyPerToken);
        using var difference = policyPerToken.sub(referencePerToken);
        return difference.sum(1);
    }
}
