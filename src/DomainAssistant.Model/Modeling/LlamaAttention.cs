using DomainAssistant.Model.Kernels;
using DomainAssistant.Model.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Modeling;

/// <summary>
/// Grouped-query causal self-attention with rotary positions, scaled by 1/sqrt(head_dim); optional q/k/v biases
/// (Qwen2) and per-head RMSNorm of q and k before the rotation (Qwen3's q_norm, k_norm). With a KV cache it appends this forward's keys/values and attends over each row's whole history
/// (decoding steps on the CPU through <see cref="DecodeAttention"/>, straight from the cache, where it applies).
/// </summary>
/// <remarks>
/// K/V are never repeated per query head: the G query heads sharing a kv head are folded into the query length,
/// [B, T, H, hd] -> [B, kvH, G*T, hd], so one attention call of kvH heads serves all H query heads.
/// </remarks>
public sealed class LlamaAttention : nn.Module<Tensor, ForwardBatch, Tensor>
{
    readonly int _layerIndex;
    readonly long _heads;
    readonly long _kvHeads;
    readonly long _headDim;
    readonly LoraLinear q_proj;
    readonly LoraLinear k_proj;
    readonly LoraLinear v_proj;
    readonly LoraLinear o_proj;
    readonly RmsNorm? q_norm;  // [head_dim] weights; null unless config.QkNorm
    readonly RmsNorm? k_norm;

    public LlamaAttention(LlamaConfig config, int layerIndex) : base(nameof(LlamaAttention))
    {
        _layerIndex = layerIndex;
        _heads = config.NumAttentionHeads;
        _kvHeads = config.NumKeyValueHeads;
        _headDim = config.HeadDim;
        q_proj = new LoraLinear(config.HiddenSize, _heads * _headDim, config.AttentionBias);
        k_proj = new LoraLinear(config.HiddenSize, _kvHeads * _headDim, config.AttentionBias);
        v_proj = new LoraLinear(config.HiddenSize, _kvHeads * _headDim, config.AttentionBias);
        o_proj = new LoraLinear(_heads * _headDim, config.HiddenSize, hasBias: false);
        if (config.QkNorm)
        {
            q_norm = new RmsNorm(_headDim, config.RmsNormEps);
            k_norm = new RmsNorm(_headDim, config.RmsNormEps);
        }
        RegisterComponents();
    }

    /// <param name="input">[B, T, hidden], already normalised.</param>
    /// <param name="batch">Positions, mask, cache rows and adapter routing shared by all layers.</param>
    /// <returns>[B, T, hidden].</returns>
    public override Tensor forward(Tensor input, ForwardBatch batch)
    {
        using var scope = NewDisposeScope();
        long b = input.size(0), t = input.size(1), groups = _heads / _kvHeads;
        var q = q_proj.forward(input, batch.Routing).view(b, t, _heads, _headDim);
        var k = k_proj.forward(input, batch.Routing).view(b, t, _kvHeads, _headDim);
        if (q_norm is not null && k_norm is not null) (q, k) = (q_norm.forward(q), k_norm.forward(k)); // over each head's hd
        q = batch.Rotary.Apply(q, batch.Angles);
        k = batch.Rotary.Apply(k, batch.Angles);
        var v = v_proj.forward(input, batch.Routing).view(b, t, _kvHeads, _headDim);

        // keys/values [B (or the cache's slot range), kvH, L, hd]: the cached history plus these tokens, or just these tokens.
        Tensor keys, values;
        if (batch.Cache is { } cache)
        {
            var rows = batch.Rows!;
            cache.Write(_layerIndex, k, v, rows);
            if (t == 1 && DecodeAttention.TryForward(q, cache.Keys(_layerIndex), cache.Values(_layerIndex), rows.Slots, rows.Lengths, out var decoded))
                return o_proj.forward(decoded, batch.Routing).MoveToOuterDisposeScope(); // decoded [B, 1, H*hd]
            (keys, values) = cache.Read(_layerIndex, rows);
        }
        else
        {
            (keys, values) = (k.transpose(1, 2), v.transpose(1, 2));
        }

        var folded = FoldGroups(q, b, t, groups);
        var queries = batch.Rows is { } cachedRows ? cachedRows.ToAttentionRows(folded) : folded;
        var attended = Attend(queries, keys, values, batch.Mask, t);
        if (batch.Rows is { } cacheRows) attended = cacheRows.FromAttentionRows(attended);
        var merged = UnfoldGroups(attended, b, t, groups);
        return o_proj.forward(merged, batch.Routing).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// softmax(q k^T / sqrt(hd) + mask) v. A bf16 decoding step on the CPU that <see cref="DecodeAttention"/> does not
    /// take (e.g. a head_dim that is not a multiple of 8) runs in float32: libtorch's bf16 kernel for one query row is
    /// several times slower than casting to float32 and back, and the cast costs little at one token per row
    /// (figures: docs/modeling.md, 'bf16 attention in float32').
    /// </summary>
    /// <param name="queries">[rows, kvH, G*T, hd].</param>
    /// <param name="keys">[rows, kvH, L, hd].</param>
    /// <param name="values">[rows, kvH, L, hd].</param>
    /// <param name="mask">[rows or 1, 1, G*T, L] bool, or null.</param>
    /// <param name="t">New tokens per row.</param>
    /// <returns>[rows, kvH, G*T, hd] in the queries' dtype.</returns>
    static Tensor Attend(Tensor queries, Tensor keys, Tensor values, Tensor? mask, long t)
    {
        if (t != 1 || queries.dtype != ScalarType.BFloat16 || queries.device_type != DeviceType.CPU)
            return nn.functional.scaled_dot_product_attention(queries, keys, values, mask);
        using var q = queries.to_type(ScalarType.Float32);
        using var k = keys.to_type(ScalarType.Float32);
        using var v = values.to_type(ScalarType.Float32);
        using var attended = nn.functional.scaled_dot_product_attention(q, k, v, mask);
        return attended.to_type(ScalarType.BFloat16);
    }

    /// <summary>[B, T, kvH*G, hd] -> [B, kvH, G, T, hd] -> [B, kvH, G*T, hd]; a single view when T = 1 (decoding).</summary>
    Tensor FoldGroups(Tensor q, long b, long t, long groups) => t == 1
        ? q.view(b, _kvHeads, groups, _headDim)
        : q.view(b, t, _kvHeads, groups, _headDim).permute(0, 2, 3, 1, 4).reshape(b, _kvHeads, groups * t, _headDim);

    /// <summary>[B, kvH, G*T, hd] -> [B, T, kvH, G, hd] -> [B, T, H*hd].</summary>
    Tensor UnfoldGroups(Tensor attended, long b, long t, long groups) => t == 1
        ? attended.reshape(b, 1, _heads * _headDim)
        : attended.view(b, _kvHeads, groups, t, _headDim).permute(0, 3, 1, 2, 4).reshape(b, t, _heads * _headDim);
}
