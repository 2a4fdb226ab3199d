using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Generation;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Model.Tests.Checkpoints;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Modeling;

/// <summary>
/// The config.json of each family users bring, as its Hugging Face repository has it (every field, ignored ones
/// included), with the sizes scaled down: a folder of it with random bf16 weights (sharded behind an index for some)
/// loads with its weights still bf16, generates greedily with the KV cache exactly the tokens a full-sequence forward
/// picks, and its cached logits equal the full forward's.
/// </summary>
public sealed class FamilyCheckpointTests : IDisposable
{
    const double Tolerance = 1e-4;
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // Sizes: vocab 64, hidden 32, MLP 48, 2 layers; heads and kv heads keep each family's grouping where it fits.
    static readonly Dictionary<string, string> Configs = new()
    {
        ["llama2"] = """
            {"architectures": ["LlamaForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 32,
             "initializer_range": 0.02, "intermediate_size": 48, "max_position_embeddings": 4096, "model_type": "llama",
             "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 4, "pretraining_tp": 1, "rms_norm_eps": 1e-05,
             "rope_scaling": null, "tie_word_embeddings": false, "torch_dtype": "float16", "transformers_version": "4.31.0.dev0",
             "use_cache": true, "vocab_size": 64}
            """,
        ["llama3"] = """
            {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0, "bos_token_id": 60, "eos_token_id": 61,
             "hidden_act": "silu", "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 48, "max_position_embeddings": 8192,
             "model_type": "llama", "num_attention_heads": 8, "num_hidden_layers": 2, "num_key_value_heads": 2, "pretraining_tp": 1,
             "rms_norm_eps": 1e-05, "rope_scaling": null, "rope_theta": 500000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
             "transformers_version": "4.40.0.dev0", "use_cache": true, "vocab_size": 64}
            """,
        ["llama3.1"] = """
            {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0, "bos_token_id": 60,
             "eos_token_id": [61, 62, 63], "hidden_act": "silu", "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 48,
             "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama", "num_attention_heads": 8, "num_hidden_layers": 2,
             "num_key_value_heads": 2, "pretraining_tp": 1, "rms_norm_eps": 1e-05,
             "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"},
             "rope_theta": 500000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.43.0.dev0",
             "use_cache": true, "vocab_size": 64}
            """,
        // Llama 3.2 1B: tied embeddings, head_dim written out, llama3 scaling with factor 32.
        ["llama3.2"] = """
            {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0, "bos_token_id": 60,
             "eos_token_id": [61, 62, 63], "head_dim": 8, "hidden_act": "silu", "hidden_size": 32, "initializer_range": 0.02,
             "intermediate_size": 48, "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama", "num_attention_heads": 4,
             "num_hidden_layers": 2, "num_key_value_heads": 1, "pretraining_tp": 1, "rms_norm_eps": 1e-05,
             "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"},
             "rope_theta": 500000.0, "tie_word_embeddings": true, "torch_dtype": "bfloat16", "transformers_version": "4.45.0.dev0",
             "use_cache": true, "vocab_size": 64}
            """,
        // Mistral 7B v0.1: a sliding window wider than any prompt here.
        ["mistral"] = """
            {"architectures": ["MistralForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 32,
             "initializer_range": 0.02, "intermediate_size": 48, "max_position_embeddings": 32768, "model_type": "mistral",
             "num_attention_heads": 8, "num_hidden_layers": 2, "num_key_value_heads": 2, "rms_norm_eps": 1e-05, "rope_theta": 10000.0,
             "sliding_window": 4096, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.34.0.dev0",
             "use_cache": true, "vocab_size": 64}
            """,
        // Qwen2.5 0.5B: q/k/v biases without an attention_bias field, tied embeddings, sliding window off.
        ["qwen2.5"] = """
            {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 60, "eos_token_id": 61, "hidden_act": "silu",
             "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 48, "max_position_embeddings": 32768, "max_window_layers": 2,
             "model_type": "qwen2", "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 2, "rms_norm_eps": 1e-06,
             "rope_theta": 1000000.0, "sliding_window": 32768, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
             "transformers_version": "4.43.1", "use_cache": true, "use_sliding_window": false, "vocab_size": 64}
            """,
        // Qwen3 0.6B: q/k RMSNorm and head_dim 16 against hidden / heads = 8.
        ["qwen3"] = """
            {"architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0, "bos_token_id": 60, "eos_token_id": 61,
             "head_dim": 16, "hidden_act": "silu", "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 48,
             "max_position_embeddings": 40960, "max_window_layers": 2, "model_type": "qwen3", "num_attention_heads": 4, "num_hidden_layers": 2,
             "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_scaling": null, "rope_theta": 1000000, "sliding_window": null,
             "tie_word_embeddings": true, "torch_dtype": "bfloat16", "transformers_version": "4.51.0", "use_cache": true,
             "use_sliding_window": false, "vocab_size": 64}
            """,
        // SmolLM2 135M: three query heads per kv head, tied embeddings, rope theta 100000.
        ["smollm2"] = """
            {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0, "bos_token_id": 1, "eos_token_id": 2,
             "hidden_act": "silu", "hidden_size": 48, "initializer_range": 0.041666666666666664, "intermediate_size": 48,
             "is_llama_config": true, "max_position_embeddings": 8192, "model_type": "llama", "num_attention_heads": 6, "num_hidden_layers": 2,
             "num_key_value_heads": 2, "pad_token_id": 2, "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_interleaved": false,
             "rope_scaling": null, "rope_theta": 100000, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
             "transformers_version": "4.42.3", "use_cache": true, "vocab_size": 64}
            """,
        // TinyLlama 1.1B: eight query heads per kv head.
        ["tinyllama"] = """
            {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
             "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 48, "max_position_embeddings": 2048, "model_type": "llama",
             "num_attention_heads": 8, "num_hidden_layers": 2, "num_key_value_heads": 1, "pretraining_tp": 1, "rms_norm_eps": 1e-05,
             "rope_scaling": null, "rope_theta": 10000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
             "transformers_version": "4.35.0", "use_cache": true, "vocab_size": 64}
            """,
    };

    // Families whose weights are written as shards behind model.safetensors.index.json, as their larger checkpoints ship.
    static readonly HashSet<string> Sharded = ["llama3.1", "qwen2.5", "mistral"];

    public static TheoryData<string> Families => [.. Configs.Keys];

    [Theory]
    [MemberData(nameof(Families))]
    public async Task Loads_keeps_bf16_and_generates_with_the_cache_as_a_full_forward_does(string family)
    {
        var config = HuggingFaceConfig.Parse(Configs[family], $"{family} config.json");
        WriteFolder(family, config);

        var (loadedConfig, weights) = HuggingFaceFolder.Load(_folder.Path);
        Assert.Equal(config, loadedConfig);
        Assert.All(weights.Values, w => Assert.Equal(ScalarType.BFloat16, w.dtype));
        using var model = LlamaForCausalLM.Create(loadedConfig);
        model.LoadWeights(weights);
        RandomTensors.DisposeAll(weights.Values);
        model.eval();

        int[] prompt = [5, 17, 3, 42, 9, 30];
        const int generated = 10;
        var cached = new List<int>();
        await using (var engine = new GenerationEngine(model, maxBatch: 1, contextLength: 32))
            await foreach (var step in engine.GenerateAsync(new TokenRequest(prompt, SamplingOptions.Greedy(generated))))
                if (step.Token is int token) cached.Add(token);

        var sequence = new List<int>(prompt);
        for (var i = 0; i < generated; i++)
        {
            using var ids = tensor(sequence.Select(id => (long)id).ToArray(), new long[] { 1, sequence.Count });
            using var logits = model.Forward(ids);
            using var last = logits[0, -1];
            using var best = last.argmax();
            sequence.Add((int)best.item<long>());
        }
        Assert.Equal(sequence.Skip(prompt.Length), cached);

        using var all = tensor(sequence.Select(id => (long)id).ToArray(), new long[] { 1, sequence.Count });
        using var full = model.Forward(all);
        using var cache = model.NewKvCache(slots: 1, capacity: sequence.Count);
        var steps = new List<Tensor>();
        using (var head = all.narrow(1, 0, prompt.Length)) steps.Add(model.Forward(head, cache, [0]));
        for (var position = prompt.Length; position < sequence.Count; position++)
        {
            using var token = all.narrow(1, position, 1);
            steps.Add(model.Forward(token, cache, [0]));
        }
        using var stepwise = cat(steps, 1);
        RandomTensors.DisposeAll(steps);
        Assert.True(RandomLlama.MaxDifference(full, stepwise) < Tolerance, $"{family}: cached logits differ from the full forward");
    }

    void WriteFolder(string family, LlamaConfig config)
    {
        // Only the tensors a checkpoint holds (no lm_head when tied), in bf16 as the families publish them.
        var names = new LlamaWeightLayout(config).Weights.Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (var random = RandomLlama.Create(config))
            foreach (var (name, tensor) in random.state_dict())
                if (names.Contains(name)) weights[name] = tensor.to_type(ScalarType.BFloat16);
        Assert.Equal(names.Count, weights.Count);
        var format = new Dictionary<string, string> { ["format"] = "pt" };
        if (Sharded.Contains(family)) ShardedSafeTensors.Save(_folder.Path, weights, maxShardBytes: 20_000, format);
        else SafeTensors.Save(_folder.File(HuggingFaceFolder.WeightsFileName), weights, format);
        RandomTensors.DisposeAll(weights.Values);
        File.WriteAllText(_folder.File(HuggingFaceConfig.FileName), Configs[family]);
        if (Sharded.Contains(family)) Assert.True(File.Exists(_folder.File(SafeTensorsIndex.FileName)));
    }
}
