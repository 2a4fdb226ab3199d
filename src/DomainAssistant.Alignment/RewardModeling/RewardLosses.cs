using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.RewardModeling;

/// <summary>The two losses a reward model learns from thumbs: pointwise on each vote and Bradley-Terry on up/down pairs.</summary>
public static class RewardLosses
{
    /// <summary>
    /// Pointwise binary cross-entropy of the scores as logits of "voted up":
    /// L = −mean[y log σ(s) + (1 − y) log(1 − σ(s))], computed stably from the logits.
    /// </summary>
    /// <param name="scores">[B] float32 reward scores (logits).</param>
    /// <param name="up">[B] float32, 1 for up votes and 0 for down votes.</param>
    /// <returns>A scalar with autograd.</returns>
    public static Tensor Pointwise(Tensor scores, Tensor up)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return nn.functional.binary_cross_entropy_with_logits(scores, up);
    }

    /// <summary>
    /// Bradley-Terry (Bradley and Terry 1952; the reward-model loss of Ouyang et al. 2022, eq. 1): the probability that
    /// the chosen answer beats the rejected one is σ(r_c − r_r), so L = −mean log σ(r_c − r_r).
    /// </summary>
    /// <param name="chosen">[P] scores of the answers voted up.</param>
    /// <param name="rejected">[P] scores of the answers voted down, same prompts.</param>
    /// <returns>A scalar with autograd.</returns>
    public static Tensor BradleyTerry(Tensor chosen, Tensor rejected)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        using var scope = NewDisposeScope();
        using var margin = chosen.sub(rejected);
        return nn.functional.logsigmoid(margin).mean().neg().MoveToOuterDisposeScope();
    }

    /// <summary>The pointwise and pair losses added, the pair term weighted (a step may lack pairs: then it is the pointwise loss alone).</summary>
    public static Tensor Combined(Tensor pointwise, Tensor? pairs, double pairWeight)
    {
        ArgumentNullException.ThrowIfNull(pointwise);
        if (pairs is null || pairWeight == 0) return pointwise.alias();
        using var weight = pairWeight.ToScalar();
        return pointwise.add(pairs, weight);
    }
}
