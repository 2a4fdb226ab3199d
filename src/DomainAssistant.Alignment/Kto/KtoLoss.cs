using DomainAssistant.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.Kto;

/// <summary>
/// The KTO loss (Ethayarajh et al. 2024, "KTO: Model Alignment as Prospect Theoretic Optimization", eq. 8):
/// with the implied reward r(x, y) = log πθ(y|x) − log πref(y|x) and the reference point z₀ = max(0, KL estimate),
/// v(x, y) = λD σ(β(r − z₀)) for a desirable answer and λU σ(β(z₀ − r)) for an undesirable one, and
/// L = E[λ_y − v(x, y)].
/// </summary>
public static class KtoLoss
{
    /// <param name="policy">[B] log πθ(y|x) (with autograd).</param>
    /// <param name="reference">[B] log πref(y|x) (no autograd).</param>
    /// <param name="desirable">[B] float32, 1 for answers voted up, 0 for answers voted down.</param>
    /// <param name="referencePoint">z₀, the clamped KL estimate (<see cref="ReferencePoint"/>); not differentiated, as in the paper.</param>
    /// <param name="beta">β, how far the policy may move from the reference (the paper's default 0.1).</param>
    /// <param name="desirableWeight">λD.</param>
    /// <param name="undesirableWeight">λU.</param>
    /// <returns>The mean loss, a scalar with autograd.</returns>
    public static Tensor Compute(Tensor policy, Tensor reference, Tensor desirable, double referencePoint, double beta, double desirableWeight, double undesirableWeight)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(desirable);
        using var scope = NewDisposeScope();
        using var betaScalar = beta.ToScalar();
        using var z = referencePoint.ToScalar();
        using var lambdaD = desirableWeight.ToScalar();
        using var lambdaU = undesirableWeight.ToScalar();
        var reward = policy.sub(reference);                                          // [B] r(x, y)
        var desirableValue = reward.sub(z).mul(betaScalar).sigmoid().mul(lambdaD);   // λD σ(β(r − z₀))
        var undesirableValue = reward.neg().add(z, TorchScalars.One).mul(betaScalar).sigmoid().mul(lambdaU); // λU σ(β(z₀ − r))
        var undesirable = ones_like(desirable).sub(desirable);
        var lambda = desirable.mul(lambdaD).add(undesirable.mul(lambdaU), TorchScalars.One);     // λ_y
        var value = desirable.mul(desirableValue).add(undesirable.mul(undesirableValue), TorchScalars.One);
        return lambda.sub(value).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// z₀: the KL of policy from reference estimated on mismatched pairs (each prompt with another example's answer),
    /// as the paper's practical estimate, mean(log πθ(y'|x) − log πref(y'|x)), clamped at 0.
    /// </summary>
    public static double ReferencePoint(IReadOnlyList<double> policyMismatched, IReadOnlyList<double> referenceMismatched)
    {
        ArgumentNullException.ThrowIfNull(policyMismatched);
        ArgumentNullException.ThrowIfNull(referenceMismatched);
        if (policyMismatched.Count == 0) return 0;
        return Math.Max(0, policyMismatched.Zip(referenceMismatched, (p, r) => p - r).Average());
    }

    /// <summary>
    /// Default λD and λU for unbalanced counts: the minority kind is up-weighted so that λD·nD = λU·nU, the lower end
    /// of the range the paper recommends (λD nD / λU nU in [1, 4/3], section 4.2).
    /// </summary>
    public static (double Desirable, double Undesirable) BalancedWeights(int desirable, int undesirable)
    {
        if (desirable == 0 || undesirable == 0) return (1, 1);
        return (Math.Max(1, (double)undesirable / desirable), Math.Max(1, (double)desirable / undesirable));
    }
}
