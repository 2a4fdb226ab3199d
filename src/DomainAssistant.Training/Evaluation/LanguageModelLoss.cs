using DomainAssistant.Model.Modeling;
using DomainAssistant.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Training.Evaluation;

/// <summary>Next-token cross-entropy of a model (optionally through a LoRA adapter) on token batches.</summary>
public static class LanguageModelLoss
{
    /// <summary>The summed cross-entropy over the batch's targets: a scalar with autograd (the caller divides and disposes).</summary>
    /// <param name="model">The model; its training flag decides LoRA dropout.</param>
    /// <param name="batch">Inputs and targets.</param>
    /// <param name="adapter">Adapter every row goes through, or null for the base model.</param>
    public static Tensor Sum(LlamaForCausalLM model, TokenBatch batch, string? adapter)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var (inputs, targets) = batch.ToTensors();
        var routing = adapter is null ? null : Enumerable.Repeat<string?>(adapter, batch.Rows).ToArray();
        var logits = model.Forward(inputs, routing); // [B, T, vocab] float32
        var loss = nn.functional.cross_entropy(logits.view(-1, logits.shape[2]), targets.view(-1),
            ignore_index: TokenBatch.IgnoreIndex, reduction: nn.Reduction.Sum);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>Mean loss per predicted token over all <paramref name="batches"/>, without gradients; NaN when there is nothing to predict.</summary>
    public static HeldOutLoss Mean(LlamaForCausalLM model, IEnumerable<TokenBatch> batches, string? adapter)
    {
        ArgumentNullException.ThrowIfNull(batches);
        using var noGrad = no_grad();
        var (sum, tokens) = (0.0, 0L);
        foreach (var batch in batches)
        {
            if (batch.PredictedTokens == 0) continue;
            using var loss = Sum(model, batch, adapter);
            sum += loss.item<float>();
            tokens += batch.PredictedTokens;
        }
        return new HeldOutLoss(tokens == 0 ? double.NaN : sum / tokens, tokens);
    }
}

/// <summary>A mean next-token loss (nats per token) and the tokens it averages over.</summary>
public readonly record struct HeldOutLoss(double Loss, long Tokens)
{
    /// <summary>exp(loss).</summary>
    public double Perplexity => Math.Exp(Loss);
}
