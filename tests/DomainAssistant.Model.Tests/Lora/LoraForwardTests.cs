using DomainAssistant.Model.Kernels;
using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Model.Tests.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Lora;

public class LoraForwardTests
{
    const double Tolerance = 1e-4;
    static readonly LoraConfig AllLinear = new() { R = 4, LoraAlpha = 8, TargetModules = LoraTargets.AllLinear };

    [Fact]
    public void A_fresh_adapter_leaves_the_base_output_unchanged()
    {
        using var model = RandomLlama.Create(RandomLlama.Config());
        using var ids = RandomLlama.Ids(2, 6, 40, seed: 20);
        using var baseline = model.Forward(ids);
        model.AddAdapter("fresh", AllLinear, seed: 1);
        using var adapted = model.Forward(ids, ["fresh", "fresh"]);
        Assert.True(baseline.Equals(adapted)); // B = 0: exactly the base
        Assert.All(model.AdapterParameters("fresh").Where(p => p.Key.EndsWith("lora_A.weight", StringComparison.Ordinal)),
            p => Assert.True(p.Parameter.abs().max().item<float>() > 0));
    }

    [Fact]
    public void An_adapter_with_non_zero_b_changes_the_output()
    {
        using var model = RandomLlama.Create(RandomLlama.Config());
        using var ids = RandomLlama.Ids(1, 6, 40, seed: 21);
        using var baseline = model.Forward(ids);
        model.AddAdapter("tuned", AllLinear, seed: 2);
        Perturb(model, "tuned", seed: 3);
        using var adapted = model.Forward(ids, ["tuned"]);
        using var baseAgain = model.Forward(ids, [null]);
        Assert.True(RandomLlama.MaxDifference(baseline, adapted) > 0.01);
        Assert.True(baseline.Equals(baseAgain));
    }

    [Fact]
    public void Rows_mixing_two_adapters_and_the_base_in_one_batch_each_get_what_they_get_alone()
    {
        using var model = TwoTunedAdapters();
        using var ids = RandomLlama.Ids(3, 8, 40, seed: 22);
        string?[] choice = ["b", null, "a"];

        AssertEachRowAsAlone(model, ids, choice);
        using var aOnly = model.Forward(ids, ["a", "a", "a"]);
        using var bOnly = model.Forward(ids, ["b", "b", "b"]);
        Assert.True(RandomLlama.MaxDifference(aOnly, bOnly) > 0.01);
    }

    [Fact]
    public void At_inference_loaded_adapters_mixed_in_one_batch_go_through_their_stacked_factors_and_match_each_row_alone()
    {
        using var model = TwoTunedAdapters();
        // Saved and loaded back: loaded factors are frozen, which is what lets a mixed batch stack them.
        ReloadFrozen(model, "a", "b");
        using var noGrad = no_grad();
        using var ids = RandomLlama.Ids(4, 8, 40, seed: 23);
        string?[][] choices = [["b", null, "a", "a"], ["a", null, null, null]];

        foreach (var choice in choices) AssertEachRowAsAlone(model, ids, choice);

        // Handing out an adapter's parameters unfreezes it: a change made in place reaches the next mixed batch.
        using var before = model.Forward(ids, choices[0]);
        Perturb(model, "a", seed: 8);
        using var after = model.Forward(ids, choices[0]);
        using var row2 = ids[2].unsqueeze(0);
        using var aloneAfter = model.Forward(row2, ["a"]);
        using var mixedAfter = after[2].unsqueeze(0);
        Assert.True(RandomLlama.MaxDifference(aloneAfter, mixedAfter) < Tolerance, "the mixed batch follows the changed adapter");
        Assert.True(RandomLlama.MaxDifference(before, after) > 0.01);
    }

    /// <summary>
    /// Tolerance for a mixed batch served through bf16 stacked factors against each request alone (float32 factors),
    /// relative to the largest logit: bf16 keeps 8 bits of mantissa, so each factor weight moves by up to 2^-9 of
    /// itself, and the adapters' deltas (here a sizeable share of the logits) by about that much.
    /// </summary>
    const double BFloat16Tolerance = 1e-2;

    /// <summary>
    /// Tolerance, relative to the largest logit, for two float32 forwards of these wide layers that sum in another order
    /// (libtorch's GEMM blocks a 6-row product differently from a 24-row one, and AVX-512 differently from AVX2): far
    /// below what bf16 factors move the adapted rows by, so it tells the two apart.
    /// </summary>
    const double SummationOrderTolerance = 1e-4;

    [Fact]
    public void A_decoding_batch_through_bf16_stacked_factors_matches_each_requests_float32_forward_within_bf16_rounding()
    {
        using var model = WideFrozenAdapters();
        using var noGrad = no_grad();
        using var ids = RandomLlama.Ids(4, 6, 300, seed: 41);
        string?[] choice = ["a", "b", null, "a"];
        using var mixed = DecodeStepByStep(model, ids, choice);
        using var scale = mixed.abs().max();
        var largest = scale.item<float>();
        var worst = 0.0;
        for (var row = 0; row < choice.Length; row++)
        {
            using var rowIds = ids[row].unsqueeze(0);
            using var alone = WithAutograd(() => model.Forward(rowIds, [choice[row]])); // its float32 factors
            using var mixedRow = mixed[row].unsqueeze(0);
            var difference = RandomLlama.MaxDifference(alone, mixedRow);
            Assert.True(difference < BFloat16Tolerance * largest, $"row {row} ({choice[row] ?? "base"}) differs by {difference} (largest logit {largest})");
            if (choice[row] is not null) worst = Math.Max(worst, difference);
        }
        // Where the kernel runs, the stacked factors are rounded: adapter rows differ beyond float32 summation order.
        if (SmallBatchLinear.Lanes > 0)
            Assert.True(worst > SummationOrderTolerance * largest, $"adapter rows differ by only {worst} (largest logit {largest}): the stacked factors were not bf16");

        // Every row on one adapter takes the same kernel.
        string?[] one = ["b", "b", "b", "b"];
        using var shared = DecodeStepByStep(model, ids, one);
        using var reference = WithAutograd(() => model.Forward(ids, one));
        var sharedDifference = RandomLlama.MaxDifference(reference, shared);
        Assert.True(sharedDifference < BFloat16Tolerance * largest, $"one adapter's batch differs by {sharedDifference} (largest logit {largest})");
        if (SmallBatchLinear.Lanes > 0)
            Assert.True(sharedDifference > SummationOrderTolerance * largest, $"one adapter's batch differs by only {sharedDifference} (largest logit {largest}): its factors were not the bf16 copy");
    }

    [Fact]
    public void Training_a_mixed_batch_uses_the_adapters_float32_factors_not_the_bf16_serving_copy()
    {
        using var model = WideFrozenAdapters();
        using var ids = RandomLlama.Ids(4, 6, 300, seed: 42);
        string?[] choice = ["a", "b", null, "a"];
        var before = FactorsOf(model).Select(f => f.detach().clone()).ToList();
        using (no_grad())
        {
            using var served = DecodeStepByStep(model, ids, choice); // builds the bf16 stacked copies
        }

        // Autograd on (training, scoring with gradients): the gather-and-scatter path through the float32 factors,
        // so each row equals its request alone to float32 summation order, which bf16 factors would not (previous test).
        using var training = model.Forward(ids, choice);
        using var scale = training.abs().max();
        var largest = scale.item<float>();
        for (var row = 0; row < choice.Length; row++)
        {
            using var rowIds = ids[row].unsqueeze(0);
            using var alone = model.Forward(rowIds, [choice[row]]);
            using var trainingRow = training[row].unsqueeze(0);
            var difference = RandomLlama.MaxDifference(alone, trainingRow);
            Assert.True(difference < SummationOrderTolerance * largest,
                $"row {row} ({choice[row] ?? "base"}) differs by {difference} (largest logit {largest}): trained through rounded factors");
        }
        // The adapters' own factors were neither cast nor rounded by serving.
        var after = FactorsOf(model);
        Assert.Equal(before.Count, after.Count);
        for (var i = 0; i < after.Count; i++)
        {
            Assert.Equal(ScalarType.Float32, after[i].dtype);
            Assert.True(before[i].Equals(after[i]));
        }
        foreach (var t in before) t.Dispose();
    }

    /// <summary>
    /// A random model wide enough (d = 256) that two rank-32 adapters' stacked factors ([64, 256], [256, 64], ...)
    /// reach the small-batch kernel and so are kept in bf16; both adapters tuned (non-zero B) and frozen again by a
    /// save and load, as served adapters are.
    /// </summary>
    static LlamaForCausalLM WideFrozenAdapters()
    {
        var config = RandomLlama.Config() with { HiddenSize = 256, IntermediateSize = 512, VocabSize = 300, NumAttentionHeads = 4, NumKeyValueHeads = 2 };
        var model = RandomLlama.Create(config);
        var lora = new LoraConfig { R = 32, LoraAlpha = 64, TargetModules = LoraTargets.AllLinear };
        model.AddAdapter("a", lora, seed: 43);
        model.AddAdapter("b", lora, seed: 44);
        Perturb(model, "a", seed: 45);
        Perturb(model, "b", seed: 46);
        ReloadFrozen(model, "a", "b");
        return model;
    }

    /// <summary>Saves each adapter and loads it back in its place: loaded factors are frozen, as the host's are.</summary>
    static void ReloadFrozen(LlamaForCausalLM model, params string[] names)
    {
        var folder = Directory.CreateTempSubdirectory("da-lora-frozen-").FullName;
        try
        {
            foreach (var name in names)
            {
                PeftAdapter.Save(Path.Combine(folder, name), model, name);
                model.RemoveAdapter(name);
                PeftAdapter.Load(Path.Combine(folder, name), model, name);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Every A and B of every adapter, read through the layers (handing out parameters would unfreeze them).</summary>
    static List<Tensor> FactorsOf(LlamaForCausalLM model) =>
        [.. model.Adapters.Layers.SelectMany(layer => layer.Layer.Adapters.Values).SelectMany(f => new Tensor[] { f.A, f.B })];

    /// <summary>The logits of a forward with autograd on (which takes the adapters' own float32 factors), detached.</summary>
    static Tensor WithAutograd(Func<Tensor> forward)
    {
        using var grad = enable_grad();
        using var logits = forward();
        return logits.detach();
    }

    /// <summary>Cached decoding one token a step (at most 8 rows: the kernel's products); the logits of every step, [rows, T, vocab].</summary>
    static Tensor DecodeStepByStep(LlamaForCausalLM model, Tensor ids, string?[] choice)
    {
        var rows = choice.Length;
        var length = (int)ids.shape[1];
        using var cache = model.NewKvCache(rows, length);
        var steps = new List<Tensor>();
        for (var pos = 0; pos < length; pos++)
        {
            using var token = ids.narrow(1, pos, 1);
            steps.Add(model.Forward(token, cache, [.. Enumerable.Range(0, rows)], choice));
        }
        var logits = cat(steps, 1);
        foreach (var step in steps) step.Dispose();
        return logits;
    }

    [Fact]
    public void An_unknown_or_removed_adapter_is_refused()
    {
        using var model = RandomLlama.Create(RandomLlama.Config());
        using var ids = RandomLlama.Ids(1, 3, 40, seed: 23);
        Assert.Contains("'nope'", Assert.Throws<ArgumentException>(() => model.Forward(ids, ["nope"])).Message);
        model.AddAdapter("gone", AllLinear, seed: 8);
        Assert.Throws<ArgumentException>(() => model.AddAdapter("gone", AllLinear, seed: 8));
        model.RemoveAdapter("gone");
        Assert.Throws<ArgumentException>(() => model.Forward(ids, ["gone"]));
        Assert.Throws<KeyNotFoundException>(() => model.AdapterParameters("gone").ToList());
        Assert.Empty(model.Adapters.Names);
        Assert.Throws<ArgumentException>(() => model.Forward(ids, ["gone", null]));
    }

    [Fact]
    public void Targets_pick_layers_by_name_by_pattern_or_all_linear()
    {
        using var model = RandomLlama.Create(RandomLlama.Config());
        model.AddAdapter("qv", new LoraConfig { R = 2 }, seed: 9);
        model.AddAdapter("pattern", new LoraConfig { R = 2, TargetModules = LoraTargets.Matching(@"model\.layers\.1\.mlp\.(gate|up)_proj") }, seed: 9);
        model.AddAdapter("all", AllLinear, seed: 9);
        Assert.Equal(2 * 2 * 2, model.AdapterParameters("qv").Count());
        Assert.Equal(["base_model.model.model.layers.1.mlp.gate_proj.lora_A.weight", "base_model.model.model.layers.1.mlp.gate_proj.lora_B.weight",
                      "base_model.model.model.layers.1.mlp.up_proj.lora_A.weight", "base_model.model.model.layers.1.mlp.up_proj.lora_B.weight"],
            model.AdapterParameters("pattern").Select(p => p.Key));
        Assert.Equal(2 * 7 * 2, model.AdapterParameters("all").Count());
        Assert.Throws<ArgumentException>(() => model.AddAdapter("none", new LoraConfig { TargetModules = LoraTargets.Of("lm_head_missing") }, seed: 9));
    }

    [Fact]
    public void The_same_seed_gives_the_same_fresh_adapter()
    {
        using var first = RandomLlama.Create(RandomLlama.Config());
        using var second = RandomLlama.Create(RandomLlama.Config());
        first.AddAdapter("x", AllLinear, seed: 14);
        second.AddAdapter("y", AllLinear, seed: 14);
        second.AddAdapter("z", AllLinear, seed: 15);
        var x = first.AdapterParameters("x").ToList();
        var y = second.AdapterParameters("y").ToList();
        var z = second.AdapterParameters("z").ToList();
        Assert.All(x.Zip(y), pair => Assert.True(pair.First.Parameter.Equals(pair.Second.Parameter)));
        Assert.False(x[0].Parameter.Equals(z[0].Parameter));
        // PEFT's Kaiming-uniform(a = sqrt 5) bound for lora_A is 1/sqrt(in_features).
        Assert.True(x[0].Parameter.abs().max().item<float>() <= 1 / Math.Sqrt(32));
    }

    [Fact]
    public void Dropout_applies_only_in_training_mode()
    {
        using var model = RandomLlama.Create(RandomLlama.Config());
        model.AddAdapter("drop", AllLinear with { LoraDropout = 0.5 }, seed: 10);
        Perturb(model, "drop", seed: 11);
        using var ids = RandomLlama.Ids(1, 5, 40, seed: 24);
        using var first = model.Forward(ids, ["drop"]);
        using var second = model.Forward(ids, ["drop"]);
        Assert.True(first.Equals(second));
        model.train();
        using var noGrad = no_grad();
        using var trainingA = model.Forward(ids, ["drop"]);
        using var trainingB = model.Forward(ids, ["drop"]);
        Assert.True(RandomLlama.MaxDifference(trainingA, trainingB) > 1e-3);
    }

    [Fact]
    public void Casting_the_model_to_bfloat16_casts_its_adapters()
    {
        using var model = RandomLlama.Create(RandomLlama.Config());
        model.AddAdapter("cast", AllLinear, seed: 12);
        Perturb(model, "cast", seed: 13);
        using var ids = RandomLlama.Ids(1, 5, 40, seed: 25);
        using var fp32 = model.Forward(ids, ["cast"]);
        model.to(ScalarType.BFloat16);
        Assert.All(model.AdapterParameters("cast"), p => Assert.Equal(ScalarType.BFloat16, p.Parameter.dtype));
        using var bf16 = model.Forward(ids, ["cast"]);
        using var p32 = fp32.softmax(-1);
        using var p16 = bf16.softmax(-1);
        Assert.True(RandomLlama.MaxDifference(p32, p16) < 0.1);
    }

    /// <summary>Gives an adapter's B factors random values so the adapter actually changes the output.</summary>
    /// <summary>A random model with adapter "a" (rank 4, every linear layer) and "b" (rank 2, three projections), both with non-zero B.</summary>
    static LlamaForCausalLM TwoTunedAdapters()
    {
        var model = RandomLlama.Create(RandomLlama.Config(bias: true));
        model.AddAdapter("a", AllLinear, seed: 4);
        model.AddAdapter("b", new LoraConfig { R = 2, LoraAlpha = 4, TargetModules = LoraTargets.Of("q_proj", "v_proj", "down_proj") }, seed: 5);
        Perturb(model, "a", seed: 6);
        Perturb(model, "b", seed: 7);
        return model;
    }

    /// <summary>Each row of the batch routed by <paramref name="choice"/>, with and without a KV cache, gets what it gets alone.</summary>
    static void AssertEachRowAsAlone(LlamaForCausalLM model, Tensor ids, string?[] choice)
    {
        var rows = choice.Length;
        var seqLength = (int)ids.shape[1];
        using var mixed = model.Forward(ids, choice);
        using var cache = model.NewKvCache(rows, seqLength);
        using var cachedMixed = model.Forward(ids, cache, [.. Enumerable.Range(0, rows)], choice);
        for (var row = 0; row < rows; row++)
        {
            using var rowIds = ids[row].unsqueeze(0);
            using var alone = model.Forward(rowIds, [choice[row]]);
            using var mixedRow = mixed[row].unsqueeze(0);
            using var cachedRow = cachedMixed[row].unsqueeze(0);
            Assert.True(RandomLlama.MaxDifference(alone, mixedRow) < Tolerance, $"row {row} ({choice[row] ?? "base"}) differs in the mixed batch");
            Assert.True(RandomLlama.MaxDifference(alone, cachedRow) < Tolerance, $"row {row} ({choice[row] ?? "base"}) differs in the cached mixed batch");
        }
    }

    internal static void Perturb(LlamaForCausalLM model, string adapter, ulong seed)
    {
        using var generator = new Generator(seed, CPU);
        using var noGrad = no_grad();
        using var spread = 0.2.ToScalar();
        foreach (var (key, parameter) in model.AdapterParameters(adapter))
        {
            if (!key.EndsWith("lora_B.weight", StringComparison.Ordinal)) continue;
            using var noise = randn(parameter.shape, generator: generator);
            using var scaled = noise.mul(spread);
            parameter.copy_(scaled);
        }
    }
}
