using DomainAssistant.Model.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Scoring;

/// <summary>
/// How likely the model finds each of several continuations of one prompt: the summed log-probability of the
/// continuation's tokens, each given the prompt and the continuation's tokens before it. The prompt is prefilled once
/// and its cache copied to one slot per continuation, so scoring N short answers costs about one prompt plus their
/// own tokens, not N prompts.
/// </summary>
public sealed class ContinuationScorer(LlamaForCausalLM model, int rowsPerForward = 16)
{
    /// <summary>Summed log-probabilities (natural log), one per continuation, in their order.</summary>
    /// <param name="prompt">The prompt's token ids (at least one).</param>
    /// <param name="continuations">Token ids to score after the prompt (each at least one).</param>
    /// <param name="adapter">The adapter to score with, or null for the base model.</param>
    public double[] Score(IReadOnlyList<int> prompt, IReadOnlyList<IReadOnlyList<int>> continuations, string? adapter = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(continuations);
        if (prompt.Count == 0) throw new ArgumentException("the prompt is empty.", nameof(prompt));
        if (continuations.Any(c => c.Count == 0)) throw new ArgumentException("a continuation is empty.", nameof(continuations));
        var scores = new double[continuations.Count];
        if (scores.Length == 0) return scores;

        var rows = Math.Min(rowsPerForward, continuations.Count);
        var longest = continuations.Max(c => c.Count);
        // Slot 0 holds the prompt; slots 1..rows take one continuation each. The last continuation token needs no
        // cache entry (nothing is predicted after it), hence longest - 1.
        using var cache = model.NewKvCache(rows + 1, prompt.Count + Math.Max(1, longest - 1));
        using var scope = NewDisposeScope();
        var promptIds = tensor(prompt.Select(id => (long)id).ToArray(), [1, prompt.Count]);
        var promptLogits = model.Forward(promptIds, cache, [0], [adapter], lastPositionOnly: true); // [1, 1, vocab]
        var firstLogProbs = promptLogits.log_softmax(-1)[0, 0]; // [vocab]: the distribution of each continuation's first token

        for (var start = 0; start < continuations.Count; start += rows)
        {
            var group = continuations.Skip(start).Take(rows).ToArray();
            ScoreGroup(cache, prompt.Count, group, firstLogProbs, adapter, scores.AsSpan(start, group.Length));
        }
        return scores;
    }

    void ScoreGroup(KvCache cache, int promptLength, IReadOnlyList<int>[] group, Tensor firstLogProbs, string? adapter, Span<double> scores)
    {
        using var scope = NewDisposeScope();
        for (var row = 0; row < group.Length; row++) scores[row] = firstLogProbs[group[row][0]].item<float>();
        var steps = group.Max(c => c.Count) - 1; // tokens fed after the prompt; their logits predict tokens 1..count-1
        if (steps == 0) return;

        var slots = Enumerable.Range(1, group.Length).ToArray();
        foreach (var slot in slots) cache.CopyPrefix(0, slot, promptLength);
        // Rows shorter than the longest are padded on the right with their own last token: causal attention keeps the
        // padding from touching the positions that are scored.
        var input = new long[group.Length * steps];
        for (var row = 0; row < group.Length; row++)
            for (var t = 0; t < steps; t++) input[row * steps + t] = group[row][Math.Min(t, group[row].Count - 1)];
        var ids = tensor(input, [group.Length, steps]);
        var logProbs = model.Forward(ids, cache, slots, [.. Enumerable.Repeat(adapter, group.Length)]).log_softmax(-1); // [rows, steps, vocab]
        var targets = new long[group.Length * steps];
        for (var row = 0; row < group.Length; row++)
            for (var t = 0; t < steps; t++) targets[row * steps + t] = group[row][Math.Min(t + 1, group[row].Count - 1)];
        var picked = logProbs.gather(-1, tensor(targets, [group.Length, steps, 1])).squeeze(-1); // [rows, steps]
        var values = picked.data<float>().ToArray();
        for (var row = 0; row < group.Length; row++)
            for (var t = 0; t < group[row].Count - 1; t++) scores[row] += values[row * steps + t];
        foreach (var slot in slots) cache.Clear(slot);
    }
}
