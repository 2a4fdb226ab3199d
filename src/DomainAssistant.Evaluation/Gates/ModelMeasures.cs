using DomainAssistant.Grounding;
using DomainAssistant.Model;
using DomainAssistant.Model.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Evaluation.Gates;

/// <summary>The two metrics that need the model's probabilities rather than its text: reference perplexity and KL.</summary>
public sealed class ModelMeasures(PretrainedModel model)
{
    readonly ContinuationScorer _scorer = new(model.Model);

    /// <summary>
    /// Negative log-likelihood (nats) of <paramref name="reference"/> as the reply to the prompt, end-of-turn included,
    /// under each of <paramref name="adapters"/> (null = the base model), and its token count: summed over cases and
    /// exponentiated, the held-out perplexity. The reference is encoded once for all adapters.
    /// </summary>
    public (double[] Nll, double Tokens) ReferenceLoss(ComposedPrompt prompt, string reference, IReadOnlyList<string?> adapters)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(adapters);
        var (ids, reply) = ReplyTokens.Of(model.Tokenizer, prompt.Messages, reference);
        return ([.. adapters.Select(adapter => -_scorer.Score(ids, [reply], adapter)[0])], reply.Length);
    }

    /// <summary>
    /// KL(candidate || baseline) in nats, summed over the answer's tokens: at each position the answer was generated
    /// from, how far the baseline's next-token distribution is from the candidate's. Measured on the candidate's own
    /// answers, as the RL trainers' KL penalty is.
    /// </summary>
    /// <param name="prompt">The prompt ids the answer was generated from.</param>
    /// <param name="answer">The generated ids (at least one).</param>
    /// <param name="candidate">The candidate adapter.</param>
    /// <param name="baseline">The baseline adapter, or null for the base model.</param>
    public double AnswerKl(IReadOnlyList<int> prompt, IReadOnlyList<int> answer, string candidate, string? baseline)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Count == 0) return 0;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // The last answer token predicts nothing that was generated: positions P-1 .. P+A-2 predict the A answer tokens.
        var sequence = prompt.Concat(answer.Take(answer.Count - 1)).Select(id => (long)id).ToArray();
        var row = tensor(sequence, [1, sequence.Length]);
        var ids = cat([row, row], 0);                                               // [2, T]
        var logProbs = model.Model.Forward(ids, [candidate, baseline]).log_softmax(-1)
            .narrow(1, prompt.Count - 1, answer.Count);                            // [2, A, vocab]
        var candidateLog = logProbs[0];
        var baselineLog = logProbs[1];
        var kl = (candidateLog.exp() * (candidateLog - baselineLog)).sum();          // over positions and vocabulary
        return kl.item<float>();
    }
}
