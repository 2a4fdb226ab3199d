using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Model.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model;

/// <summary>A model with its tokenizer, loaded from a llama2.c <c>.bin</c> or a Hugging Face folder.</summary>
/// <param name="Model">The transformer, in eval mode.</param>
/// <param name="Tokenizer">The tokenizer, checked against the model's vocabulary.</param>
/// <param name="StopTokens">Ids that end a generation (end of sequence; for llama2.c models also BOS, which delimits stories).</param>
/// <param name="Source">The path it came from.</param>
public sealed record PretrainedModel(LlamaForCausalLM Model, ModelTokenizer Tokenizer, IReadOnlySet<int> StopTokens, string Source) : IDisposable
{
    /// <summary>Loads a checkpoint and its tokenizer.</summary>
    /// <param name="path">A llama2.c <c>.bin</c> file or a Hugging Face folder (config.json, *.safetensors, tokenizer files).</param>
    /// <param name="tokenizerPath">Tokenizer file or folder; defaults to the folder itself, or tokenizer.bin beside a <c>.bin</c>.</param>
    /// <param name="dtype">Float32 or BFloat16 weights.</param>
    public static PretrainedModel Load(string path, string? tokenizerPath = null, ScalarType dtype = ScalarType.Float32)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16))
            throw new ArgumentException($"dtype {dtype} is not supported; use float32 or bfloat16.", nameof(dtype));
        bool isLlama2c = File.Exists(path);
        if (!isLlama2c && !Directory.Exists(path))
            throw new FileNotFoundException($"model not found: {path} (expected a llama2.c .bin file or a Hugging Face folder).", path);

        var (config, weights) = isLlama2c ? Llama2cCheckpoint.Load(path) : HuggingFaceFolder.Load(path);
        var tokenizer = TokenizerLoader.Load(tokenizerPath ?? DefaultTokenizerPath(path, isLlama2c));
        tokenizer.EnsureMatches(config);

        var model = LlamaForCausalLM.Create(config);
        using (var _ = no_grad())
        {
            model.LoadWeights(weights);
        }
        foreach (var tensor in weights.Values) tensor.Dispose();
        if (dtype != ScalarType.Float32) model.to(dtype);
        model.eval();

        var stops = new HashSet<int>();
        if (tokenizer.EosId is int eos) stops.Add(eos);
        stops.UnionWith(isLlama2c ? [config.BosTokenId] : GenerationConfig.EosTokenIds(path));
        return new PretrainedModel(model, tokenizer, stops, path);
    }

    static string DefaultTokenizerPath(string path, bool isLlama2c)
    {
        if (!isLlama2c) return path;
        var beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, TokenizerLoader.Llama2cFileName);
        return File.Exists(beside)
            ? beside
            : throw new FileNotFoundException($"{path} is a llama2.c checkpoint, which carries no tokenizer: pass --tokenizer (no {beside} either).");
    }

    /// <summary>Attaches a PEFT adapter folder, named after the folder, and returns that name.</summary>
    public string LoadAdapter(string adapterFolder)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(adapterFolder)));
        PeftAdapter.Load(adapterFolder, Model, name);
        return name;
    }

    public void Dispose() => Model.Dispose();
}
