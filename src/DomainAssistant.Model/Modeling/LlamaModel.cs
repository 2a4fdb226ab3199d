using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Modeling;

/// <summary>The decoder stack without its head (Hugging Face's LlamaModel, the "model." prefix of the weights).</summary>
public sealed class LlamaModel : nn.Module<Tensor, ForwardBatch, Tensor>
{
    readonly Embedding embed_tokens;
    readonly ModuleList<LlamaDecoderLayer> layers;
    readonly RmsNorm norm;

    public LlamaModel(LlamaConfig config) : base(nameof(LlamaModel))
    {
        embed_tokens = nn.Embedding(config.VocabSize, config.HiddenSize);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(i => new LlamaDecoderLayer(config, i)).ToArray());
        norm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        RegisterComponents();
    }

    /// <summary>embed_tokens.weight [vocab, hidden] (also the head when embeddings are tied).</summary>
    public Parameter EmbeddingWeight => embed_tokens.weight!;

    /// <summary>Hidden states before the final norm.</summary>
    /// <param name="inputIds">[B, T] int64.</param>
    /// <param name="batch">Positions, mask, cache rows and adapter routing shared by all layers.</param>
    /// <returns>[B, T, hidden].</returns>
    public override Tensor forward(Tensor inputIds, ForwardBatch batch)
    {
        using var scope = NewDisposeScope();
        var hidden = embed_tokens.forward(inputIds);
        foreach (var layer in layers) hidden = layer.forward(hidden, batch);
        return hidden.MoveToOuterDisposeScope();
    }

    /// <summary>The final RMS norm.</summary>
    /// <param name="hidden">[B, T, hidden].</param>
    public Tensor Norm(Tensor hidden) => norm.forward(hidden);
}
