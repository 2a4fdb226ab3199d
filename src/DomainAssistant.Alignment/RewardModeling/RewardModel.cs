using DomainAssistant.Alignment.Encoding;
using DomainAssistant.Model.Modeling;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.RewardModeling;

/// <summary>
/// A reward model: the base model through a LoRA adapter, and a scalar head on the final hidden state of the last
/// token (the answer-end token, so the head reads a state that has seen the whole prompt and answer).
/// </summary>
/// <param name="Model">The base model, with <paramref name="Adapter"/> attached.</param>
/// <param name="Adapter">The reward model's LoRA adapter on <paramref name="Model"/>.</param>
/// <param name="Head">The scalar head.</param>
public sealed record RewardModel(LlamaForCausalLM Model, string Adapter, RewardHead Head) : IDisposable
{
    /// <summary>Scores every row; gradients follow the caller's autograd mode.</summary>
    /// <returns>[B] float32 scores (logits of "voted up").</returns>
    public Tensor Scores(SequenceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var hidden = Model.HiddenStates(batch.Ids, Enumerable.Repeat<string?>(Adapter, batch.Rows).ToArray()); // [B, T, hidden]
        var index = batch.LastIndex.view(-1, 1, 1).expand(-1, 1, hidden.shape[2]);                            // [B, 1, hidden]
        var last = hidden.gather(1, index).squeeze(1);                                                         // [B, hidden]
        return Head.forward(last).MoveToOuterDisposeScope();
    }

    /// <summary>Scores without gradients, in eval mode, <paramref name="batchRows"/> sequences at a time.</summary>
    public double[] Score(IReadOnlyList<ScoredSequence> sequences, int padId, int batchRows = 8)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        using var noGrad = no_grad();
        var scores = new List<double>(sequences.Count);
        foreach (var chunk in sequences.Chunk(batchRows))
        {
            using var batch = new SequenceBatch(chunk, padId);
            using var rowScores = Scores(batch);
            scores.AddRange(rowScores.data<float>().Select(s => (double)s));
        }
        return [.. scores];
    }

    /// <summary>Disposes the head; the model belongs to whoever loaded it.</summary>
    public void Dispose() => Head.Dispose();
}
