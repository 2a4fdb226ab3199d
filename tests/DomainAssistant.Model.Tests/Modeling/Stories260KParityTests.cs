using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Model.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Modeling;

/// <summary>The TorchSharp model against llama2.c's own run (run.c, temperature 0) on the same checkpoint.</summary>
public class Stories260KParityTests
{
    const double Tolerance = 1e-4;

    [Stories260KFact]
    public void Cached_decoding_matches_llama2c_logits_at_every_position()
    {
        using var model = Stories260K.Load();
        foreach (var reference in GreedyReference.Load().Cases)
        {
            using var logits = Stories260K.StepByStep(model, reference.Tokens);
            using var argmax = logits.argmax(-1);
            using var logSumExp = logits.logsumexp(-1);
            var argmaxes = argmax.data<long>().ToArray();
            var sums = logSumExp.data<float>().ToArray();
            for (var pos = 0; pos < reference.Steps.Count; pos++)
            {
                var step = reference.Steps[pos];
                Assert.True(step.Argmax == argmaxes[pos], $"'{reference.Prompt}' pos {pos}: argmax {argmaxes[pos]}, reference {step.Argmax}");
                Assert.True(Math.Abs(step.LogSumExp - sums[pos]) < Tolerance, $"'{reference.Prompt}' pos {pos}: logsumexp {sums[pos]}, reference {step.LogSumExp}");
                using var row = logits[pos];
                using var firstEight = row.narrow(0, 0, 8);
                var head = firstEight.data<float>().ToArray();
                for (var i = 0; i < 8; i++)
                    Assert.True(Math.Abs(step.LogitsHead[i] - head[i]) < Tolerance, $"'{reference.Prompt}' pos {pos} logit {i}: {head[i]}, reference {step.LogitsHead[i]}");
            }
        }
    }

    [Stories260KFact]
    public void Greedy_decoding_after_a_one_shot_prefill_reproduces_the_reference_tokens()
    {
        using var model = Stories260K.Load();
        foreach (var reference in GreedyReference.Load().Cases)
        {
            var prompt = reference.Tokens.Take(reference.PromptLength).ToArray();
            using var cache = model.NewKvCache(1, reference.Steps.Count);
            using var promptIds = tensor(prompt, [1, prompt.Length]);
            var logits = model.Forward(promptIds, cache, [0], lastPositionOnly: true);
            var generated = new List<long>(prompt);
            while (generated.Count < reference.Steps.Count)
            {
                long next;
                using (logits)
                using (var argmax = logits.argmax(-1)) next = argmax.item<long>();
                generated.Add(next);
                using var ids = tensor(new[] { next }, [1, 1]);
                logits = model.Forward(ids, cache, [0]);
            }
            var lastArgmax = logits.argmax(-1).item<long>();
            logits.Dispose();
            Assert.Equal(reference.Tokens, generated.ToArray());
            Assert.Equal(reference.Steps[^1].Argmax, lastArgmax);
        }
    }

    [Stories260KFact]
    public void Full_sequence_forward_agrees_with_the_cached_path()
    {
        using var model = Stories260K.Load();
        var reference = GreedyReference.Load().Cases[0];
        using var ids = tensor(reference.Tokens, [1, reference.Tokens.Length]);
        using var full = model.Forward(ids);
        using var cached = Stories260K.StepByStep(model, reference.Tokens);
        using var fullRow = full[0];
        Assert.True(RandomLlama.MaxDifference(fullRow, cached) < Tolerance);
    }

    [Stories260KFact]
    public void A_bfloat16_model_runs_and_stays_close_to_float32()
    {
        using var model = Stories260K.Load();
        var tokens = GreedyReference.Load().Cases[1].Tokens;
        using var ids = tensor(tokens, [1, tokens.Length]);
        using var fp32 = model.Forward(ids);
        model.to(ScalarType.BFloat16);
        using var bf16Full = model.Forward(ids);
        using var bf16Cached = Stories260K.StepByStep(model, tokens);

        Assert.Equal(ScalarType.BFloat16, model.DType);
        Assert.Equal(ScalarType.Float32, bf16Full.dtype);
        using var probabilities32 = fp32.softmax(-1);
        using var probabilities16 = bf16Full.softmax(-1);
        // bf16 keeps ~3 significant digits: the next-token distributions stay within a few percent.
        Assert.True(RandomLlama.MaxDifference(probabilities32, probabilities16) < 0.05);
        using var agree = fp32.argmax(-1).eq(bf16Full.argmax(-1)).to_type(ScalarType.Float32).mean();
        Assert.True(agree.item<float>() > 0.9, $"only {agree.item<float>():P0} of argmaxes agree");
        using var bf16FullRow = bf16Full[0];
        Assert.True(RandomLlama.MaxDifference(bf16FullRow, bf16Cached) < 0.5);
    }

    [Stories260KFact]
    public void A_halves_model_with_permuted_q_and_k_equals_the_adjacent_original()
    {
        var (config, weights) = Llama2cCheckpoint.Load(SharedModels.Stories260KBin);
        using var adjacent = LlamaForCausalLM.Create(config);
        adjacent.LoadWeights(weights);
        var permuted = new Dictionary<string, Tensor>(weights);
        for (var layer = 0; layer < config.NumHiddenLayers; layer++)
        {
            var q = $"model.layers.{layer}.self_attn.q_proj.weight";
            var k = $"model.layers.{layer}.self_attn.k_proj.weight";
            permuted[q] = Llama2cCheckpoint.PermuteForHalves(weights[q], config.NumAttentionHeads);
            permuted[k] = Llama2cCheckpoint.PermuteForHalves(weights[k], config.NumKeyValueHeads);
        }
        using var halves = LlamaForCausalLM.Create(config with { RopeStyle = RopeStyle.Halves });
        halves.LoadWeights(permuted);
        using var unpermuted = LlamaForCausalLM.Create(config with { RopeStyle = RopeStyle.Halves });
        unpermuted.LoadWeights(weights);
        foreach (var weight in weights.Values.Concat(permuted.Values).Distinct(ReferenceEqualityComparer.Instance)) ((Tensor)weight!).Dispose();

        var tokens = GreedyReference.Load().Cases[0].Tokens;
        using var ids = tensor(tokens, [1, tokens.Length]);
        using var expected = adjacent.Forward(ids);
        using var actual = halves.Forward(ids);
        using var wrong = unpermuted.Forward(ids);
        Assert.True(RandomLlama.MaxDifference(expected, actual) < Tolerance);
        Assert.True(RandomLlama.MaxDifference(expected, wrong) > 0.1, "without the permutation the styles should disagree");
    }
}
