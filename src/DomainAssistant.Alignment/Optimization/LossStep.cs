using DomainAssistant.Training.Optimization;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.Optimization;

/// <summary>
/// One optimizer step from a loss the caller built (a preference loss rather than next-token cross-entropy), with the
/// training library's update (<see cref="TrainingStep.Apply"/>: global-norm clipping, the NaN/Inf check before
/// anything is applied, <see cref="AdamW"/>, publish).
/// </summary>
public static class LossStep
{
    /// <summary>Backward through <paramref name="loss"/> (a scalar the caller disposes), then clip and step.</summary>
    /// <returns>The loss value and the gradient norm before clipping.</returns>
    /// <exception cref="TrainingDivergedException">The loss or gradient norm is NaN or infinite; the weights are untouched.</exception>
    public static (double Loss, double GradientNorm) Take(Tensor loss, TrainableWeights weights, AdamW optimizer, double learningRate, double maxGradientNorm, long stepNumber)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(optimizer);
        var value = loss.item<float>();
        if (!float.IsFinite(value))
        {
            weights.ZeroGradients();
            throw new TrainingDivergedException(stepNumber, "loss", value);
        }
        loss.backward();
        weights.AccumulateGradients();
        var norm = TrainingStep.Apply(weights, optimizer, learningRate, maxGradientNorm, stepNumber);
        return (value, norm);
    }
}
