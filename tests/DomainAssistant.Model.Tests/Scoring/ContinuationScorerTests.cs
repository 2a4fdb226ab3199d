using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Model.Scoring;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Scoring;

public class ContinuationScorerTests
{
    static readonly LlamaConfig Tiny = new()
    {
        VocabSize = 61, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2,
        NumAttentionHeads = 4, NumKeyValueHeads = 2, MaxPositionEmbeddings = 64,
    };

    static readonly int[] Prompt = [3, 14, 15, 9, 26, 5, 35];

    static readonly int[][] Continuations = [[8], [9, 7, 9, 3], [2, 3], [8, 4, 6, 2, 6, 4], [33, 8]];

    /// <summary>The same log-probability from one full-sequence forward over prompt + continuation, the training path.</summary>
    static double Reference(LlamaForCausalLM model, int[] continuation, string? adapter)
    {
        using var scope = NewDisposeScope();
        int[] whole = [.. Prompt, .. continuation];
        var ids = tensor(whole.Select(i => (long)i).ToArray(), [1, whole.Length]);
        var logProbs = model.Forward(ids, [adapter]).log_softmax(-1); // [1, T, vocab]
        double sum = 0;
        for (var t = 0; t < continuation.Length; t++) sum += logProbs[0, Prompt.Length - 1 + t, continuation[t]].item<float>();
        return sum;
    }

    [Theory]
    [InlineData(16, false)]
    [InlineData(2, false)] // three forwards over reused slots
    [InlineData(2, true)]
    public void Scores_equal_a_full_forward_over_prompt_and_continuation(int rowsPerForward, bool withAdapter)
    {
        manual_seed(7);
        using var model = LlamaForCausalLM.Create(Tiny);
        string? adapter = null;
        if (withAdapter)
        {
            model.AddAdapter("a", new LoraConfig { R = 4, LoraAlpha = 8, TargetModules = LoraTargets.Of("q_proj", "v_proj", "down_proj") }, seed: 3);
            using (no_grad())
                foreach (var (_, parameter) in model.AdapterParameters("a")) parameter.normal_(0, 0.2); // B starts at zero: make the adapter matter
            adapter = "a";
        }

        var scores = new ContinuationScorer(model, rowsPerForward).Score(Prompt, Continuations, adapter);

        Assert.Equal(Continuations.Length, scores.Length);
        for (var i = 0; i < Continuations.Length; i++) Assert.Equal(Reference(model, Continuations[i], adapter), scores[i], 3);
        Assert.NotEqual(scores[0], scores[4], 3); // different continuations, different scores: the comparison above has teeth
    }

    [Fact]
    public void Empty_prompt_or_continuation_is_refused()
    {
        using var model = LlamaForCausalLM.Create(Tiny);
        var scorer = new ContinuationScorer(model);
        Assert.Throws<ArgumentException>(() => scorer.Score([], Continuations));
        Assert.Throws<ArgumentException>(() => scorer.Score(Prompt, [[1], []]));
    }
}
