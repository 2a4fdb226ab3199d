using System.Text.Json;
using System.Text.Json.Serialization;

namespace DomainAssistant.Model.Lora;

/// <summary>
/// A LoRA adapter's settings, mirroring PEFT's adapter_config.json (field names as PEFT writes them), so adapters
/// move between this project and Python tooling. Only what this project can honour is accepted: see <see cref="Validate"/>.
/// </summary>
public sealed record LoraConfig
{
    [JsonPropertyName("peft_type")] public string PeftType { get; init; } = "LORA";
    [JsonPropertyName("task_type")] public string TaskType { get; init; } = "CAUSAL_LM";

    /// <summary>Rank of the update (PEFT default 8).</summary>
    [JsonPropertyName("r")] public int R { get; init; } = 8;

    /// <summary>Scale numerator: the update is multiplied by lora_alpha / r (or / sqrt(r) with rsLoRA). PEFT default 8.</summary>
    [JsonPropertyName("lora_alpha")] public double LoraAlpha { get; init; } = 8;

    /// <summary>Dropout on the adapter's input, training only (PEFT default 0).</summary>
    [JsonPropertyName("lora_dropout")] public double LoraDropout { get; init; }

    /// <summary>Which linear layers get factors; PEFT's default for Llama is q_proj and v_proj.</summary>
    [JsonPropertyName("target_modules")] public LoraTargets TargetModules { get; init; } = LoraTargets.Of("q_proj", "v_proj");

    /// <summary>Only "none": biases stay frozen and are not part of the adapter.</summary>
    [JsonPropertyName("bias")] public string Bias { get; init; } = "none";

    [JsonPropertyName("base_model_name_or_path")] public string? BaseModelNameOrPath { get; init; }

    /// <summary>Must be false: weights are [out, in] as in torch.nn.Linear.</summary>
    [JsonPropertyName("fan_in_fan_out")] public bool FanInFanOut { get; init; }

    [JsonPropertyName("inference_mode")] public bool InferenceMode { get; init; } = true;

    /// <summary>Rank-stabilised LoRA: scaling = lora_alpha / sqrt(r) instead of lora_alpha / r.</summary>
    [JsonPropertyName("use_rslora")] public bool UseRslora { get; init; }

    /// <summary>Must be null or empty: no whole modules are trained beside the adapter.</summary>
    [JsonPropertyName("modules_to_save")] public IReadOnlyList<string>? ModulesToSave { get; init; }

    /// <summary>Must be null: every matching layer gets factors.</summary>
    [JsonPropertyName("layers_to_transform")] public JsonElement? LayersToTransform { get; init; }

    [JsonPropertyName("use_dora")] public bool UseDora { get; init; }

    /// <summary>The factor multiplying B A x.</summary>
    [JsonIgnore] public double Scaling => UseRslora ? LoraAlpha / Math.Sqrt(R) : LoraAlpha / R;

    /// <summary>Throws <see cref="InvalidDataException"/> naming the field when the adapter is not one this project runs.</summary>
    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok) throw new InvalidDataException($"adapter_config: {message}");
        }
        Require(PeftType == "LORA", $"peft_type must be \"LORA\", got \"{PeftType}\".");
        Require(TaskType == "CAUSAL_LM", $"task_type must be \"CAUSAL_LM\", got \"{TaskType}\".");
        Require(R > 0, $"r must be positive, got {R}.");
        Require(LoraAlpha > 0 && double.IsFinite(LoraAlpha), $"lora_alpha must be positive, got {LoraAlpha}.");
        Require(LoraDropout is >= 0 and < 1, $"lora_dropout must be in [0, 1), got {LoraDropout}.");
        Require(TargetModules is not null, "target_modules is required.");
        Require(Bias == "none", $"bias \"{Bias}\" is not supported (only \"none\").");
        Require(!FanInFanOut, "fan_in_fan_out must be false (weights are [out, in]).");
        Require(ModulesToSave is null || ModulesToSave.Count == 0, "modules_to_save is not supported.");
        Require(LayersToTransform is null || LayersToTransform.Value.ValueKind == JsonValueKind.Null, "layers_to_transform is not supported.");
        Require(!UseDora, "use_dora is not supported.");
    }

    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses and validates adapter_config.json text; unknown PEFT fields are ignored.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="source">Names the file in error messages.</param>
    public static LoraConfig FromJson(string json, string source)
    {
        LoraConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<LoraConfig>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a valid adapter_config.json ({e.Message}).", e);
        }
        if (config is null) throw new InvalidDataException($"{source}: adapter_config.json is null.");
        try
        {
            config.Validate();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        return config;
    }
}
