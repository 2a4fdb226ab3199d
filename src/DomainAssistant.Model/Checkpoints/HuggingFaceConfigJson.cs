using System.Text.Json.Nodes;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>The JSON objects written into a Hugging Face folder: config.json and generation_config.json.</summary>
static class HuggingFaceConfigJson
{
    /// <summary>config.json for LlamaForCausalLM / MistralForCausalLM / Qwen2ForCausalLM, keys sorted as transformers writes them.</summary>
    public static JsonObject Build(LlamaConfig config, string architecture)
    {
        var fields = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["architectures"] = new JsonArray(architecture),
            ["attention_bias"] = config.AttentionBias,
            ["attention_dropout"] = 0.0,
            ["bos_token_id"] = config.BosTokenId,
            ["eos_token_id"] = config.EosTokenId,
            ["hidden_act"] = "silu",
            ["hidden_size"] = config.HiddenSize,
            ["initializer_range"] = 0.02,
            ["intermediate_size"] = config.IntermediateSize,
            ["max_position_embeddings"] = config.MaxPositionEmbeddings,
            ["mlp_bias"] = false,
            ["model_type"] = config.ModelType,
            ["num_attention_heads"] = config.NumAttentionHeads,
            ["num_hidden_layers"] = config.NumHiddenLayers,
            ["num_key_value_heads"] = config.NumKeyValueHeads,
            ["rms_norm_eps"] = config.RmsNormEps,
            ["rope_scaling"] = null,
            ["rope_theta"] = config.RopeTheta,
            ["tie_word_embeddings"] = config.TieWordEmbeddings,
            ["torch_dtype"] = config.TorchDtype,
            ["use_cache"] = true,
            ["vocab_size"] = config.VocabSize,
        };
        // Full attention everywhere: the reader folded any sliding window into max_position_embeddings.
        if (config.ModelType == "mistral") fields["sliding_window"] = null;
        if (config.ModelType is "qwen2" or "qwen3") fields["use_sliding_window"] = false;
        if (config.HeadDimIsExplicit) fields["head_dim"] = config.HeadDim;
        if (config.RopeScaling is { } scaling)
            fields["rope_scaling"] = new JsonObject
            {
                ["factor"] = scaling.Factor,
                ["high_freq_factor"] = scaling.HighFreqFactor,
                ["low_freq_factor"] = scaling.LowFreqFactor,
                ["original_max_position_embeddings"] = scaling.OriginalMaxPositions,
                ["rope_type"] = "llama3",
            };
        return new JsonObject(fields);
    }

    /// <summary>
    /// generation_config.json: the token ids from <paramref name="config"/>, keeping every other setting an earlier
    /// file had (sampling defaults a model was published with are not ours to drop).
    /// </summary>
    public static JsonObject Generation(LlamaConfig config, string? existingJson)
    {
        JsonObject generation;
        try
        {
            generation = existingJson is null ? [] : JsonNode.Parse(existingJson) as JsonObject ?? [];
        }
        catch (System.Text.Json.JsonException)
        {
            generation = [];
        }
        generation["bos_token_id"] = config.BosTokenId;
        // A list of stop ids (Llama 3 instruct: end_of_text and eot_id) survives when it still starts with our eos.
        if (!(generation["eos_token_id"] is JsonArray stops && stops.Count > 0 && stops[0]?.GetValueKind() == System.Text.Json.JsonValueKind.Number
              && stops[0]!.GetValue<double>() == config.EosTokenId))
            generation["eos_token_id"] = config.EosTokenId;
        return generation;
    }
}
