using DomainAssistant.Alignment.Encoding;
using DomainAssistant.Model.Generation;
using DomainAssistant.Model.Modeling;

namespace DomainAssistant.Alignment.Rloo;

/// <summary>One sampled answer: its prompt and answer ids as one sequence, and its text.</summary>
public sealed record SampledAnswer(ScoredSequence Sequence, string Text, int GeneratedTokens);

/// <summary>
/// Samples k answers per prompt through the batched engine (continuous batching: every answer of every prompt
/// decodes together), each from its own seed, so an iteration's samples are fixed by the run's seed.
/// </summary>
public static class AnswerSampler
{
    /// <param name="model">The model; no training forward may run while sampling.</param>
    /// <param name="adapter">Adapter to sample from (null: the base).</param>
    /// <param name="tokens">Encoding of prompts and answers.</param>
    /// <param name="prompts">Prompt ids.</param>
    /// <param name="samples">k.</param>
    /// <param name="sampling">Temperature and length; the seed is replaced per answer.</param>
    /// <param name="stopTokens">Ids that end an answer.</param>
    /// <param name="seed">Seed of this round; answer j of prompt i uses a seed derived from it.</param>
    /// <param name="decodeBatch">Sequences decoded together.</param>
    /// <returns>Answers grouped by prompt, k each, in prompt order.</returns>
    public static async Task<IReadOnlyList<IReadOnlyList<SampledAnswer>>> SampleAsync(LlamaForCausalLM model, string? adapter, AlignmentTokens tokens,
        IReadOnlyList<int[]> prompts, int samples, SamplingOptions sampling, IReadOnlySet<int> stopTokens, ulong seed, int decodeBatch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(sampling);
        model.eval();
        var room = Math.Max(1, tokens.MaxLength - 1);
        var maxTokens = Math.Min(sampling.MaxTokens, room);
        await using var engine = new GenerationEngine(model, decodeBatch, contextLength: Math.Min(model.Config.MaxPositionEmbeddings, tokens.MaxLength + 1));
        var answers = prompts.SelectMany((prompt, i) => Enumerable.Range(0, samples).Select(j =>
        {
            // Keep the prompt's end (the question) when it would leave no room to answer.
            var kept = prompt.Length + maxTokens > tokens.MaxLength ? prompt[Math.Max(0, prompt.Length - (tokens.MaxLength - maxTokens))..] : prompt;
            var request = new TokenRequest(kept, sampling with { MaxTokens = maxTokens, Seed = SeedOf(seed, i, j) }) { Adapter = adapter, StopTokens = stopTokens };
            return Collect(engine, request, tokens);
        })).ToList();
        var done = await Task.WhenAll(answers);
        return [.. done.Chunk(samples).Select(group => (IReadOnlyList<SampledAnswer>)group)];
    }

    static async Task<SampledAnswer> Collect(GenerationEngine engine, TokenRequest request, AlignmentTokens tokens)
    {
        var ids = new List<int>();
        var finish = FinishReason.Length;
        await foreach (var item in engine.GenerateAsync(request))
        {
            if (item.Finish is { } reason) { finish = reason; break; }
            ids.Add(item.Token!.Value);
        }
        var text = tokens.Tokenizer.Decode(ids);
        // An answer that stopped on a stop token is scored with the answer-end token, as feedback answers are; one cut
        // by length is scored as it is (unfinished).
        int[] answer = finish == FinishReason.Stop && tokens.AnswerEnd is int end ? [.. ids, end] : [.. ids];
        return new SampledAnswer(tokens.Join(request.PromptTokens, answer), text, ids.Count);
    }

    static int SeedOf(ulong seed, int prompt, int sample) =>
        (int)((seed * 0x9E3779B97F4A7C15UL + (ulong)prompt * 0xBF58476D1CE4E5B9UL + (ulong)sample * 0x94D049BB133111EBUL) >> 33);
}
