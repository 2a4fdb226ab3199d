using System.Text.Json;
using DomainAssistant.Model.Checkpoints;

namespace DomainAssistant.Model.Tests.Checkpoints;

public class HuggingFaceConfigTests
{
    /// <summary>A SmolLM-style config.json as transformers writes it (trimmed), with fields this reader ignores.</summary>
    const string SmolLmStyle = """
        {
          "architectures": ["LlamaForCausalLM"],
          "attention_bias": false,
          "attention_dropout": 0.0,
          "bos_token_id": 0,
          "eos_token_id": [0, 2],
          "hidden_act": "silu",
          "hidden_size": 576,
          "initializer_range": 0.041666666666666664,
          "intermediate_size": 1536,
          "max_position_embeddings": 2048,
          "model_type": "llama",
          "num_attention_heads": 9,
          "num_hidden_layers": 30,
          "num_key_value_heads": 3,
          "pretraining_tp": 1,
          "rms_norm_eps": 1e-05,
          "rope_scaling": null,
          "rope_theta": 10000.0,
          "tie_word_embeddings": true,
          "torch_dtype": "bfloat16",
          "transformers_version": "4.40.1",
          "use_cache": true,
          "vocab_size": 49152
        }
        """;

    static string With(string json, string field, string value)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node[field] = System.Text.Json.Nodes.JsonNode.Parse(value);
        return node.ToJsonString();
    }

    static InvalidDataException Refused(string json, params string[] expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => HuggingFaceConfig.Parse(json, "/models/x/config.json"));
        Assert.Contains("/models/x/config.json", error.Message);
        foreach (var part in expected) Assert.Contains(part, error.Message);
        return error;
    }

    [Fact]
    public void Reads_a_smollm_style_llama_config()
    {
        var config = HuggingFaceConfig.Parse(SmolLmStyle, "config.json");

        Assert.Equal("llama", config.ModelType);
        Assert.Equal((49152, 576, 1536, 30), (config.VocabSize, config.HiddenSize, config.IntermediateSize, config.NumHiddenLayers));
        Assert.Equal((9, 3, 64), (config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadDim));
        Assert.Equal((2048, 1e-5, 10000.0), (config.MaxPositionEmbeddings, config.RmsNormEps, config.RopeTheta));
        Assert.True(config.TieWordEmbeddings);
        Assert.False(config.AttentionBias);
        Assert.Equal(RopeStyle.Halves, config.RopeStyle);
        Assert.Equal((0, 0), (config.BosTokenId, config.EosTokenId));
        Assert.Equal("bfloat16", config.TorchDtype);
    }

    [Fact]
    public void Missing_optional_fields_take_transformers_defaults()
    {
        string minimal = """{"model_type":"llama","vocab_size":32,"hidden_size":8,"intermediate_size":16,"num_hidden_layers":1,"num_attention_heads":4}""";
        var config = HuggingFaceConfig.Parse(minimal, "config.json");

        Assert.Equal(4, config.NumKeyValueHeads);
        Assert.False(config.TieWordEmbeddings);
        Assert.Equal((1e-6, 10000.0, 2048), (config.RmsNormEps, config.RopeTheta, config.MaxPositionEmbeddings));
        Assert.Equal("float32", config.TorchDtype);
    }

    [Fact]
    public void Round_trips_through_config_json()
    {
        using var folder = new TempFolder();
        var original = TinyLlama.Config(tied: true) with { RopeTheta = 500000, RmsNormEps = 1e-6, BosTokenId = 5, EosTokenId = 9 };
        HuggingFaceConfig.Write(folder.File("config.json"), original);
        Assert.Equal(original, HuggingFaceConfig.Read(folder.File("config.json")));

        var qwen = TinyLlama.Config(modelType: "qwen2", bias: true);
        HuggingFaceConfig.Write(folder.File("config.json"), qwen);
        Assert.Equal(qwen, HuggingFaceConfig.Read(folder.File("config.json")));
    }

    [Fact]
    public void Writes_what_transformers_needs_for_llama_for_causal_lm()
    {
        using var json = JsonDocument.Parse(HuggingFaceConfig.ToJson(TinyLlama.Config()));
        var root = json.RootElement;

        Assert.Equal("LlamaForCausalLM", root.GetProperty("architectures")[0].GetString());
        Assert.Equal("llama", root.GetProperty("model_type").GetString());
        Assert.Equal("bfloat16", root.GetProperty("torch_dtype").GetString());
        Assert.Equal("silu", root.GetProperty("hidden_act").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("rope_scaling").ValueKind);
        Assert.Equal(1, root.GetProperty("num_key_value_heads").GetInt32());
        Assert.Equal(1e-5, root.GetProperty("rms_norm_eps").GetDouble());
        string[] keys = [.. root.EnumerateObject().Select(p => p.Name)];
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Subset(keys.ToHashSet(), new HashSet<string>
        {
            "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "max_position_embeddings",
            "rope_theta", "tie_word_embeddings", "bos_token_id", "eos_token_id", "attention_bias",
        });
    }

    [Fact]
    public void Qwen2_has_qkv_biases_and_an_explicit_attention_bias_is_honoured()
    {
        string qwen = With(With(SmolLmStyle, "model_type", "\"qwen2\""), "architectures", "[\"Qwen2ForCausalLM\"]");
        var withoutField = System.Text.Json.Nodes.JsonNode.Parse(qwen)!.AsObject();
        withoutField.Remove("attention_bias");

        Assert.True(HuggingFaceConfig.Parse(withoutField.ToJsonString(), "config.json").AttentionBias);
        Assert.False(HuggingFaceConfig.Parse(qwen, "config.json").AttentionBias);
        Assert.False(HuggingFaceConfig.Parse(SmolLmStyle, "config.json").AttentionBias);
    }

    [Fact]
    public void Llama_with_attention_bias_is_refused_because_it_would_need_an_o_proj_bias()
    {
        Refused(With(SmolLmStyle, "attention_bias", "true"), "attention_bias", "o_proj");
    }

    [Fact]
    public void Another_architecture_is_refused_naming_config_json_and_the_architecture()
    {
        Refused(With(SmolLmStyle, "model_type", "\"gpt2\""), "model_type 'gpt2'");
        Refused(With(SmolLmStyle, "architectures", "[\"GPT2LMHeadModel\"]"), "GPT2LMHeadModel");
    }

    [Fact]
    public void Rope_scaling_is_refused_unless_it_is_plain_rope_or_llama3()
    {
        Refused(With(SmolLmStyle, "rope_scaling", """{"type":"linear","factor":2.0}"""), "rope_scaling", "linear");
        Refused(With(SmolLmStyle, "rope_scaling", """{"rope_type":"yarn","factor":4.0}"""), "rope_scaling", "yarn");
        // A llama3 scaling without its factors cannot be computed.
        Refused(With(SmolLmStyle, "rope_scaling", """{"rope_type":"llama3","factor":8.0}"""), "'original_max_position_embeddings' is missing");
        Assert.Equal(49152, HuggingFaceConfig.Parse(With(SmolLmStyle, "rope_scaling", """{"rope_type":"default"}"""), "config.json").VocabSize);
    }

    [Fact]
    public void Other_maths_this_model_does_not_implement_is_refused()
    {
        Refused(With(SmolLmStyle, "hidden_act", "\"gelu\""), "hidden_act 'gelu'");
        Refused(With(SmolLmStyle, "mlp_bias", "true"), "mlp_bias");
    }

    [Fact]
    public void A_quantized_checkpoint_is_refused_naming_its_quantization()
    {
        // transformers dequantizes or runs quantized kernels for these; reading their weights as plain ones would be wrong.
        Refused(With(SmolLmStyle, "quantization_config", """{"quant_method":"fp8","fmt":"e4m3","weight_block_size":[128,128]}"""), "quantization_config", "fp8");
        Refused(With(SmolLmStyle, "quantization_config", """{"quant_method":"awq","bits":4,"group_size":128}"""), "quantization_config", "awq");
        Assert.Equal(49152, HuggingFaceConfig.Parse(With(SmolLmStyle, "quantization_config", "null"), "config.json").VocabSize);
    }

    [Fact]
    public void Reads_llama_3_1_rope_scaling()
    {
        var config = HuggingFaceConfig.Parse(With(SmolLmStyle, "rope_scaling",
            """{"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"}"""), "config.json");

        Assert.Equal(new Llama3RopeScaling(8, 1, 4, 8192), config.RopeScaling);
        Assert.Equal(config, HuggingFaceConfig.Parse(HuggingFaceConfig.ToJson(config), "config.json"));
    }

    [Fact]
    public void Reads_qwen3_with_q_k_norms_and_a_head_dim_apart_from_hidden_over_heads()
    {
        var json = With(With(With(SmolLmStyle, "model_type", "\"qwen3\""), "architectures", "[\"Qwen3ForCausalLM\"]"), "head_dim", "128");

        var config = HuggingFaceConfig.Parse(json, "config.json");

        Assert.True(config.QkNorm);
        Assert.False(config.AttentionBias);
        Assert.Equal(128, config.HeadDim);
        Assert.True(config.HeadDimIsExplicit);
        Assert.Equal(config, HuggingFaceConfig.Parse(HuggingFaceConfig.ToJson(config), "config.json"));
        // Qwen3's attention_bias also puts a bias on o_proj, which is not modelled.
        Refused(With(json, "attention_bias", "true"), "attention_bias true on model_type 'qwen3'");
    }

    [Fact]
    public void A_mistral_sliding_window_caps_the_context_so_full_attention_stays_exact()
    {
        string mistral = With(With(With(SmolLmStyle, "model_type", "\"mistral\""), "architectures", "[\"MistralForCausalLM\"]"), "sliding_window", "1024");
        Assert.Equal(1024, HuggingFaceConfig.Parse(mistral, "config.json").MaxPositionEmbeddings);
        Assert.Equal(2048, HuggingFaceConfig.Parse(With(mistral, "sliding_window", "null"), "config.json").MaxPositionEmbeddings);

        string qwen = With(With(SmolLmStyle, "model_type", "\"qwen2\""), "sliding_window", "1024");
        Assert.Equal(2048, HuggingFaceConfig.Parse(qwen, "config.json").MaxPositionEmbeddings);
        Assert.Equal(1024, HuggingFaceConfig.Parse(With(qwen, "use_sliding_window", "true"), "config.json").MaxPositionEmbeddings);
    }

    [Fact]
    public void Missing_or_mistyped_fields_and_bad_shapes_are_named()
    {
        var noVocab = System.Text.Json.Nodes.JsonNode.Parse(SmolLmStyle)!.AsObject();
        noVocab.Remove("vocab_size");
        Refused(noVocab.ToJsonString(), "'vocab_size' is missing");
        Refused(With(SmolLmStyle, "hidden_size", "\"576\""), "'hidden_size' must be an integer");
        Refused(With(SmolLmStyle, "num_key_value_heads", "2"), "num_attention_heads 9 is not divisible by num_key_value_heads 2");
        Refused("{ not json", "not valid JSON");
    }

    [Fact]
    public void Newer_transformers_spellings_are_read()
    {
        var config = HuggingFaceConfig.Parse(
            With(With(SmolLmStyle, "torch_dtype", "null"), "dtype", "\"float16\""), "config.json");
        Assert.Equal("float16", config.TorchDtype);
        var rope = HuggingFaceConfig.Parse(With(SmolLmStyle, "rope_parameters", """{"rope_type":"default","rope_theta":100000.0}"""), "config.json");
        Assert.Equal(100000.0, rope.RopeTheta);
    }

    [Fact]
    public void What_a_hugging_face_folder_cannot_express_is_refused_on_writing()
    {
        Assert.Throws<ArgumentException>(() => HuggingFaceConfig.ToJson(TinyLlama.Config() with { RopeStyle = RopeStyle.Adjacent }));
        Assert.Throws<ArgumentException>(() => HuggingFaceConfig.ToJson(TinyLlama.Config(bias: true)));
        Assert.Throws<ArgumentException>(() => HuggingFaceConfig.ToJson(TinyLlama.Config(modelType: "gpt2")));
    }
}
