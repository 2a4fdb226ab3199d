using DomainAssistant.Model.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Modeling;

/// <summary>The SwiGLU feed-forward block: down_proj(silu(gate_proj x) * up_proj x).</summary>
public sealed class LlamaMlp : nn.Module<Tensor, AdapterRouting, Tensor>
{
    readonly LoraLinear gate_proj;
    readonly LoraLinear up_proj;
    readonly LoraLinear down_proj;

    public LlamaMlp(LlamaConfig config) : base(nameof(LlamaMlp))
    {
        gate_proj = new LoraLinear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        up_proj = new LoraLinear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        down_proj = new LoraLinear(config.IntermediateSize, config.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    /// <param name="input">[B, T, hidden].</param>
    /// <param name="routing">Which rows get which adapter.</param>
    /// <returns>[B, T, hidden].</returns>
    public override Tensor forward(Tensor input, AdapterRouting routing)
    {
        using var scope = NewDisposeScope();
        var gated = nn.functional.silu(gate_proj.forward(input, routing)).mul(up_proj.forward(input, routing)); // [B, T, intermediate]
        return down_proj.forward(gated, routing).MoveToOuterDisposeScope();
    }
}
