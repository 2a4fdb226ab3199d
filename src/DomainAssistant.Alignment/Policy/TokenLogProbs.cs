using DomainAssistant.Alignment.Encoding;
using DomainAssistant.Model.Modeling;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.Policy;

/// <summary>Log-probabilities a model (through an adapter, or the base) gives the answer tokens of a batch.</summary>
public static class TokenLogProbs
{
    /// <summary>Per-position log π(token | prefix) of the answer tokens, 0 elsewhere; gradients follow the caller's mode.</summary>
    /// <param name="model">The model.</param>
    /// <param name="adapter">Adapter for every row; null for the base model.</param>
    /// <param name="batch">Prompt + answer rows.</param>
    /// <returns>[B, T − 1] float32.</returns>
    public static Tensor PerToken(LlamaForCausalLM model, string? adapter, SequenceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var logits = model.Forward(batch.Ids, Enumerable.Repeat(adapter, batch.Rows).ToArray()); // [B, T, vocab]
        var predicting = logits.narrow(1, 0, logits.shape[1] - 1);                                // [B, T − 1, vocab]
        var logProbs = nn.functional.log_softmax(predicting, -1)
            .gather(2, batch.Targets.unsqueeze(2)).squeeze(2);                                    // [B, T − 1]
        return logProbs.mul(batch.ResponseMask).MoveToOuterDisposeScope();
    }

    /// <summary>log π(answer | prompt): the per-token log-probabilities summed over each answer.</summary>
    /// <returns>[B] float32.</returns>
    public static Tensor Sum(LlamaForCausalLM model, string? adapter, SequenceBatch batch)
    {
        using var perToken = PerToken(model, adapter, batch);
        return perToken.sum(1);
    }
}
