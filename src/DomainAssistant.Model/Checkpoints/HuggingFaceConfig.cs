using System.Text.Json;
using System.Text.Json.Nodes;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>
/// Hugging Face's config.json to and from <see cref="LlamaConfig"/>, for the Llama family this model implements:
/// model_type llama (SmolLM and TinyLlama folders say llama too), mistral, qwen2 and qwen3.
/// </summary>
/// <remarks>
/// Decisions: anything that would change the maths silently is refused with an <see cref="InvalidDataException"/>
/// naming config.json and the field: another architecture, rope_scaling other than Llama 3.1's "llama3" (YaRN,
/// linear, dynamic), an activation other than silu, mlp_bias, attention_bias on llama/mistral/qwen3 (that puts
/// a bias on o_proj too; only Qwen2's q/k/v biases are modelled), and a quantization_config (FP8, AWQ, GPTQ,
/// bitsandbytes...: transformers dequantizes those or runs quantized kernels; their tensors are not plain weights). head_dim may differ from hidden_size /
/// num_attention_heads; qwen3 adds q_norm/k_norm.
/// A sliding window (mistral's sliding_window, qwen2's when use_sliding_window is true) is honoured by capping
/// max_position_embeddings at the window: full causal attention over at most that many tokens is exactly what
/// sliding-window attention computes there. Fields not listed here (initializer_range, use_cache, pretraining_tp,
/// attention_dropout, transformers_version...) are ignored. Missing optional fields take transformers' defaults.
/// </remarks>
public static class HuggingFaceConfig
{
    public const string FileName = "config.json";

    static readonly Dictionary<string, string> Architectures = new(StringComparer.Ordinal)
    {
        ["llama"] = "LlamaForCausalLM",
        ["mistral"] = "MistralForCausalLM",
        ["qwen2"] = "Qwen2ForCausalLM",
        ["qwen3"] = "Qwen3ForCausalLM",
    };

    // Every field the reader looks at; the others change nothing here (`da inspect` lists them as ignored).
    static readonly HashSet<string> ReadFields =
    [
        "architectures", "model_type", "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
        "num_attention_heads", "num_key_value_heads", "head_dim", "max_position_embeddings", "rms_norm_eps", "rope_theta",
        "rope_scaling", "rope_parameters", "tie_word_embeddings", "attention_bias", "mlp_bias", "hidden_act",
        "bos_token_id", "eos_token_id", "torch_dtype", "dtype", "sliding_window", "use_sliding_window", "quantization_config",
    ];

    /// <summary>The top-level fields of a config.json that this reader does not look at (initializer_range, use_cache, ...).</summary>
    public static IReadOnlyList<string> IgnoredFields(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return [.. document.RootElement.EnumerateObject().Select(p => p.Name).Where(name => !ReadFields.Contains(name)).Order(StringComparer.Ordinal)];
    }

    /// <summary>Reads and validates <paramref name="path"/> (a config.json). Hugging Face folders always rotate halves.</summary>
    public static LlamaConfig Read(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses config.json text; <paramref name="source"/> names it in error messages.</summary>
    public static LlamaConfig Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Invalid '{source}': not valid JSON ({e.Message}).", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"Invalid '{source}': expected a JSON object, got {document.RootElement.ValueKind}.");
            var fields = new JsonFields(document.RootElement, source);
            string modelType = CheckSupported(fields);
            var config = ToConfig(fields, modelType);
            try
            {
                config.Validate();
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"Invalid '{source}': {e.Message}", e);
            }
            return config;
        }
    }

    static LlamaConfig ToConfig(JsonFields fields, string modelType)
    {
        int heads = fields.Int("num_attention_heads");
        int maxPositions = fields.Int("max_position_embeddings", 2048)!.Value;
        if (SlidingWindow(fields, modelType) is int window) maxPositions = Math.Min(maxPositions, window);
        var config = new LlamaConfig
        {
            ModelType = modelType,
            VocabSize = fields.Int("vocab_size"),
            HiddenSize = fields.Int("hidden_size"),
            IntermediateSize = fields.Int("intermediate_size"),
            NumHiddenLayers = fields.Int("num_hidden_layers"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = fields.Int("num_key_value_heads", heads)!.Value,
            MaxPositionEmbeddings = maxPositions,
            RmsNormEps = fields.Double("rms_norm_eps", 1e-6),
            RopeTheta = RopeTheta(fields),
            RopeScaling = RopeScaling(fields),
            QkNorm = modelType == "qwen3",
            TieWordEmbeddings = fields.Bool("tie_word_embeddings") ?? false,
            AttentionBias = fields.Bool("attention_bias") ?? modelType == "qwen2",
            RopeStyle = RopeStyle.Halves,
            BosTokenId = fields.FirstInt("bos_token_id", 1)!.Value,
            EosTokenId = fields.FirstInt("eos_token_id", 2)!.Value,
            // transformers 4.56+ writes "dtype"; older versions "torch_dtype".
            TorchDtype = fields.String("torch_dtype") ?? fields.String("dtype") ?? "float32",
        };
        return fields.Int("head_dim", null) is int headDim ? config with { HeadDim = headDim } : config;
    }

    /// <summary>Returns the model_type, or throws naming what this implementation does not model.</summary>
    static string CheckSupported(JsonFields fields)
    {
        string modelType = fields.String("model_type") ?? throw fields.Invalid("'model_type' is missing");
        if (!Architectures.ContainsKey(modelType))
            throw Unsupported(fields, $"model_type '{modelType}' (supported: {string.Join(", ", Architectures.Keys)})");
        if (fields.Get("architectures") is { ValueKind: JsonValueKind.Array } architectures)
            foreach (var architecture in architectures.EnumerateArray())
                if (architecture.ValueKind != JsonValueKind.String || !Architectures.ContainsValue(architecture.GetString()!))
                    throw Unsupported(fields, $"architecture {architecture.GetRawText()} (supported: {string.Join(", ", Architectures.Values)})");
        if (fields.Get("rope_scaling") is { ValueKind: not JsonValueKind.Null } scaling && !IsDefaultRope(scaling) && RopeType(scaling) != "llama3")
            throw Unsupported(fields, $"rope_scaling {scaling.GetRawText()} (only plain RoPE and Llama 3.1's \"llama3\" are supported)");
        string activation = fields.String("hidden_act") ?? "silu";
        if (activation != "silu") throw Unsupported(fields, $"hidden_act '{activation}' (only silu)");
        if (fields.Bool("mlp_bias") == true) throw Unsupported(fields, "mlp_bias true (the MLP has no biases)");
        if (fields.Get("quantization_config") is { ValueKind: JsonValueKind.Object } quantization)
            throw Unsupported(fields, $"quantization_config {quantization.GetRawText()} (quantized checkpoints are not read; use the unquantized one)");
        if (modelType != "qwen2" && fields.Bool("attention_bias") == true)
            throw Unsupported(fields, $"attention_bias true on model_type '{modelType}' (it adds an o_proj bias; only Qwen2-style q/k/v biases are supported)");
        return modelType;
    }

    /// <summary>transformers 5 moves rope_theta into rope_parameters; both spellings are read.</summary>
    static double RopeTheta(JsonFields fields)
    {
        if (fields.Get("rope_parameters") is { ValueKind: JsonValueKind.Object } parameters)
        {
            if (!IsDefaultRope(parameters) && RopeType(parameters) != "llama3")
                throw Unsupported(fields, $"rope_parameters {parameters.GetRawText()} (only plain RoPE and \"llama3\")");
            return new JsonFields(parameters, fields.Source).Double("rope_theta", fields.Double("rope_theta", 10000.0));
        }
        return fields.Double("rope_theta", 10000.0);
    }

    /// <summary>Llama 3.1's scaling from rope_scaling (or transformers 5's rope_parameters), or null for plain RoPE.</summary>
    static Llama3RopeScaling? RopeScaling(JsonFields fields)
    {
        var scaling = fields.Get("rope_parameters") is { ValueKind: JsonValueKind.Object } parameters ? parameters : fields.Get("rope_scaling");
        if (scaling is not { ValueKind: JsonValueKind.Object } rope || RopeType(rope) != "llama3") return null;
        var values = new JsonFields(rope, fields.Source);
        return new Llama3RopeScaling(
            values.Double("factor", double.NaN), values.Double("low_freq_factor", double.NaN), values.Double("high_freq_factor", double.NaN),
            values.Int("original_max_position_embeddings"));
    }

    static string? RopeType(JsonElement rope)
    {
        var kind = rope.TryGetProperty("rope_type", out var current) ? current : rope.TryGetProperty("type", out var legacy) ? legacy : default;
        return kind.ValueKind == JsonValueKind.String ? kind.GetString() : null;
    }

    static bool IsDefaultRope(JsonElement rope)
    {
        if (rope.ValueKind != JsonValueKind.Object) return false;
        // "type" is the spelling before transformers 4.45.
        var kind = rope.TryGetProperty("rope_type", out var current) ? current : rope.TryGetProperty("type", out var legacy) ? legacy : default;
        return kind.ValueKind == JsonValueKind.String && kind.GetString() == "default";
    }

    static int? SlidingWindow(JsonFields fields, string modelType) => modelType switch
    {
        "mistral" => fields.Int("sliding_window", null),
        "qwen2" or "qwen3" when fields.Bool("use_sliding_window") == true => fields.Int("sliding_window", null),
        _ => null,
    };

    static InvalidDataException Unsupported(JsonFields fields, string what) =>
        new($"Unsupported model in '{fields.Source}': {what}.");

    /// <summary>Writes <paramref name="config"/> as a config.json transformers loads (keys sorted, as it writes them).</summary>
    public static void Write(string path, LlamaConfig config) => File.WriteAllText(path, ToJson(config) + "\n");

    /// <summary>
    /// The config.json text for <paramref name="config"/>. Throws <see cref="ArgumentException"/> for what a Hugging Face
    /// folder cannot express: adjacent-pair RoPE (permute q/k to halves first), q/k/v biases outside qwen2, another model_type.
    /// </summary>
    public static string ToJson(LlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (!Architectures.TryGetValue(config.ModelType, out var architecture))
            throw new ArgumentException($"model_type '{config.ModelType}' cannot be written (supported: {string.Join(", ", Architectures.Keys)}).", nameof(config));
        if (config.RopeStyle != RopeStyle.Halves)
            throw new ArgumentException("Hugging Face Llama checkpoints rotate halves of each head; permute the q/k weights and set RopeStyle.Halves before saving.", nameof(config));
        if (config.AttentionBias && config.ModelType != "qwen2")
            throw new ArgumentException($"q/k/v biases are Qwen2's layout; model_type '{config.ModelType}' would also expect an o_proj bias.", nameof(config));
        return HuggingFaceConfigJson.Build(config, architecture).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
