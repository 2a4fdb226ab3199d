using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Modeling;

/// <summary>One pre-norm transformer block: x + attn(norm x), then + mlp(norm x).</summary>
public sealed class LlamaDecoderLayer : nn.Module<Tensor, ForwardBatch, Tensor>
{
    readonly LlamaAttention self_attn;
    readonly LlamaMlp mlp;
    readonly RmsNorm input_layernorm;
    readonly RmsNorm post_attention_layernorm;

    public LlamaDecoderLayer(LlamaConfig config, int layerIndex) : base(nameof(LlamaDecoderLayer))
    {
        self_attn = new LlamaAttention(config, layerIndex);
        mlp = new LlamaMlp(config);
        input_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        post_attention_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        RegisterComponents();
    }

    /// <param name="input">[B, T, hidden].</param>
    /// <param name="batch">Positions, mask, cache rows and adapter routing shared by all layers.</param>
    /// <returns>[B, T, hidden].</returns>
    public override Tensor forward(Tensor input, ForwardBatch batch)
    {
        using var scope = NewDisposeScope();
        var afterAttention = input.add(self_attn.forward(input_layernorm.forward(input), batch), TorchScalars.One);
        var output = afterAttention.add(mlp.forward(post_attention_layernorm.forward(afterAttention), batch.Routing), TorchScalars.One);
        return output.MoveToOuterDisposeScope();
    }
}
