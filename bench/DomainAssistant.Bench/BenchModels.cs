using DomainAssistant.Model;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Modeling;

namespace DomainAssistant.Bench;

/// <summary>The model shapes benchmarked: the real stories260K checkpoint and random models of llama2.c's 15M and 110M shapes.</summary>
public static class BenchModels
{
    public static readonly string[] Names = ["stories260K", "llama2c-15M", "llama2c-110M"];

    /// <summary>llama2.c's stories15M: dim 288, 6 layers, 6 heads, hidden 768, vocab 32000.</summary>
    static readonly LlamaConfig Shape15M = new()
    {
        VocabSize = 32000, HiddenSize = 288, IntermediateSize = 768, NumHiddenLayers = 6,
        NumAttentionHeads = 6, NumKeyValueHeads = 6, MaxPositionEmbeddings = 256, TieWordEmbeddings = true,
    };

    /// <summary>llama2.c's stories110M: dim 768, 12 layers, 12 heads, hidden 2048, vocab 32000.</summary>
    static readonly LlamaConfig Shape110M = new()
    {
        VocabSize = 32000, HiddenSize = 768, IntermediateSize = 2048, NumHiddenLayers = 12,
        NumAttentionHeads = 12, NumKeyValueHeads = 12, MaxPositionEmbeddings = 1024, TieWordEmbeddings = true,
    };

    public static LlamaForCausalLM Load(string name) => name switch
    {
        "stories260K" => LoadStories260K(),
        "llama2c-15M" => LlamaForCausalLM.Create(Shape15M),
        "llama2c-110M" => LlamaForCausalLM.Create(Shape110M),
        _ => throw new ArgumentException($"unknown benchmark model {name}; known: {string.Join(", ", Names)}"),
    };

    static LlamaForCausalLM LoadStories260K()
    {
        var (config, weights) = Llama2cCheckpoint.Load(Stories260KPath());
        var model = LlamaForCausalLM.Create(config);
        model.LoadWeights(weights);
        foreach (var weight in weights.Values) weight.Dispose();
        return model;
    }

    public static string Stories260KPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "models", "stories260K", "stories260K.bin");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("stories260K.bin not found in a shared/models folder above the benchmark.");
    }
}
