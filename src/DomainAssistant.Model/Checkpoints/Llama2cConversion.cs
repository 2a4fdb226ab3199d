using System.Text.Json;
using DomainAssistant.Model.Tokenization;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>
/// Turns a llama2.c checkpoint and tokenizer into a Hugging Face folder that LlamaForCausalLM (ours or HF's)
/// loads: HF key names, q/k rows permuted from adjacent-pair to half-split rotary order, config.json,
/// generation_config.json and a SentencePiece tokenizer.model.
/// </summary>
public static class Llama2cConversion
{
    public static void Convert(string checkpointPath, string tokenizerPath, string outputFolder)
    {
        var tokenizer = TokenizerLoader.Load(tokenizerPath);
        var (config, weights) = Llama2cCheckpoint.Load(checkpointPath);
        tokenizer.EnsureMatches(config);
        try
        {
            for (int layer = 0; layer < config.NumHiddenLayers; layer++)
            {
                Permute(weights, $"model.layers.{layer}.self_attn.q_proj.weight", config.NumAttentionHeads);
                Permute(weights, $"model.layers.{layer}.self_attn.k_proj.weight", config.NumKeyValueHeads);
            }
            Directory.CreateDirectory(outputFolder);
            HuggingFaceFolder.Save(outputFolder, config with { RopeStyle = RopeStyle.Halves }, weights);
            File.WriteAllBytes(Path.Combine(outputFolder, TokenizerLoader.SentencePieceFileName),
                Llama2cTokenizerConverter.ToSentencePieceModel(tokenizerPath));
            WriteTokenizerConfig(outputFolder, config);
            WriteGenerationConfig(outputFolder, config);
        }
        finally
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
        }
    }

    static void Permute(Dictionary<string, Tensor> weights, string key, int heads)
    {
        var permuted = Llama2cCheckpoint.PermuteForHalves(weights[key], heads);
        weights[key].Dispose();
        weights[key] = permuted;
    }

    static void WriteTokenizerConfig(string folder, LlamaConfig config)
    {
        var tokenizerConfig = new Dictionary<string, object>
        {
            ["tokenizer_class"] = "LlamaTokenizer",
            ["bos_token"] = "<s>",
            ["eos_token"] = "</s>",
            ["unk_token"] = "<unk>",
            ["add_bos_token"] = true,
            ["add_eos_token"] = false,
            ["model_max_length"] = config.MaxPositionEmbeddings,
        };
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), JsonSerializer.Serialize(tokenizerConfig, Indented) + "\n");
        var specialTokens = new Dictionary<string, string> { ["bos_token"] = "<s>", ["eos_token"] = "</s>", ["unk_token"] = "<unk>" };
        File.WriteAllText(Path.Combine(folder, "special_tokens_map.json"), JsonSerializer.Serialize(specialTokens, Indented) + "\n");
    }

    /// <summary>llama2.c models end a story by emitting BOS, so BOS joins EOS as a stop token (HF accepts a list).</summary>
    static void WriteGenerationConfig(string folder, LlamaConfig config)
    {
        var generation = new Dictionary<string, object>
        {
            ["bos_token_id"] = config.BosTokenId,
            ["eos_token_id"] = new[] { config.EosTokenId, config.BosTokenId },
        };
        File.WriteAllText(Path.Combine(folder, GenerationConfig.FileName), JsonSerializer.Serialize(generation, Indented) + "\n");
    }

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
