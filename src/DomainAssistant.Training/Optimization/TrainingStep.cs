using DomainAssistant.Model;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Training.Data;
using DomainAssistant.Training.Evaluation;
using TorchSharp;

namespace DomainAssistant.Training.Optimization;

/// <summary>What one optimizer step did.</summary>
/// <param name="Loss">Mean loss per predicted token over all micro-batches (before the update).</param>
/// <param name="GradientNorm">Global gradient norm before clipping.</param>
/// <param name="Tokens">Input positions processed (rows x length over all micro-batches).</param>
public readonly record struct StepResult(double Loss, double GradientNorm, long Tokens);

/// <summary>
/// One optimizer step with gradient accumulation: every micro-batch's summed loss is divided by the step's total
/// target count before backward, so the accumulated gradient is exactly that of the mean loss over the whole step,
/// however the targets fall across micro-batches. Then clip, check for divergence, AdamW, publish.
/// </summary>
public static class TrainingStep
{
    /// <exception cref="TrainingDivergedException">The loss or gradient norm is NaN or infinite; nothing was updated.</exception>
    public static StepResult Take(LlamaForCausalLM model, string? adapter, IReadOnlyList<TokenBatch> microBatches,
        TrainableWeights weights, AdamW optimizer, double learningRate, double maxGradientNorm, long stepNumber)
    {
        ArgumentNullException.ThrowIfNull(microBatches);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(optimizer);
        var targets = microBatches.Sum(b => b.PredictedTokens);
        if (targets == 0) throw new InvalidDataException("a training step with no target tokens (every row is prompt or padding).");
        var (lossSum, tokens) = (0.0, 0L);
        using var targetCount = targets.ToScalar(); // owned: see TorchScalars
        foreach (var batch in microBatches)
        {
            using var sum = LanguageModelLoss.Sum(model, batch, adapter);
            using var loss = sum.div(targetCount);
            lossSum += sum.item<float>();
            if (!double.IsFinite(lossSum))
            {
                weights.ZeroGradients();
                throw new TrainingDivergedException(stepNumber, "loss", lossSum / targets);
            }
            loss.backward();
            weights.AccumulateGradients();
            tokens += (long)batch.Rows * batch.Length;
        }
        var norm = Apply(weights, optimizer, learningRate, maxGradientNorm, stepNumber);
        return new StepResult(lossSum / targets, norm, tokens);
    }

    /// <summary>
    /// The update once the gradients are accumulated, for every trainer: clip to the global norm, refuse a NaN or
    /// infinite norm (gradients cleared, weights untouched), AdamW, publish, clear the gradients.
    /// </summary>
    /// <returns>The global gradient norm before clipping.</returns>
    /// <exception cref="TrainingDivergedException">The gradient norm is NaN or infinite.</exception>
    public static double Apply(TrainableWeights weights, AdamW optimizer, double learningRate, double maxGradientNorm, long stepNumber)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(optimizer);
        var gradients = weights.Gradients();
        var norm = TrainableWeights.ClipGradients(gradients, maxGradientNorm);
        if (!double.IsFinite(norm))
        {
            weights.ZeroGradients();
            throw new TrainingDivergedException(stepNumber, "gradient norm", norm);
        }
        optimizer.Step(gradients, learningRate);
        weights.Publish();
        weights.ZeroGradients();
        return norm;
    }
}
