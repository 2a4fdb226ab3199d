using DomainAssistant.Model.Lora;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Modeling;

/// <summary>
/// What every layer of one forward shares about its rows: rotary angles at each row's positions, the attention
/// mask, where the rows live in the KV cache (if any) and which adapter each row uses. Built once per forward by
/// <see cref="LlamaForCausalLM"/>; its tensors belong to that forward's dispose scope.
/// </summary>
public sealed class ForwardBatch
{
    internal ForwardBatch(RotaryEmbedding rotary, RotaryAngles angles, Tensor? mask, AdapterRouting routing, KvCache? cache, CacheRows? rows)
    {
        Rotary = rotary;
        Angles = angles;
        Mask = mask;
        Routing = routing;
        Cache = cache;
        Rows = rows;
    }

    public RotaryEmbedding Rotary { get; }

    /// <summary>cos/sin [B or 1, T, 1, head_dim].</summary>
    public RotaryAngles Angles { get; }

    /// <summary>[B or 1, 1, G*T, L] bool (see <see cref="AttentionMask"/>), or null when every query sees every key.</summary>
    public Tensor? Mask { get; }

    public AdapterRouting Routing { get; }

    /// <summary>The cache this forward appends to; null for the full-sequence (training) forward.</summary>
    public KvCache? Cache { get; }

    internal CacheRows? Rows { get; }
}
