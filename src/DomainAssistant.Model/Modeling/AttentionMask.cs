using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Modeling;

/// <summary>
/// Boolean attention masks (true = may attend) for queries folded as [B, kv_heads, G*T, head_dim] (G query heads per
/// kv head, group-major): query row g*T+t of batch row b sits at position p(b, t) and may attend keys 0..p(b, t).
/// One mask serves every layer of a forward; it is one comparison against a precomputed position index.
/// </summary>
internal static class AttentionMask
{
    /// <summary>Mask for a cached forward, or null when no key needs hiding (one new token per row, all rows equally long).</summary>
    /// <param name="rows">Each row's start position and new-token count.</param>
    /// <param name="groups">G: query heads per kv head.</param>
    /// <param name="keyIndex">[>= L] int64 0, 1, 2, ... (precomputed once per model).</param>
    /// <returns>[attention rows, 1, G*T, L] bool, or null.</returns>
    public static Tensor? ForCachedRows(CacheRows rows, int groups, Tensor keyIndex)
    {
        if (rows.NewTokens == 1 && rows.UniformStart) return null;
        var perRow = groups * rows.NewTokens;
        // Attention rows of idle slots (see CacheRows) may see every key: their results are thrown away.
        var queryPositions = new long[rows.AttentionRowCount * perRow];
        Array.Fill(queryPositions, rows.KeyLength - 1);
        for (var b = 0; b < rows.Slots.Length; b++)
            for (var g = 0; g < groups; g++)
                for (var t = 0; t < rows.NewTokens; t++) queryPositions[rows.Offsets[b] * perRow + g * rows.NewTokens + t] = rows.Starts[b] + t;
        using var queries = tensor(queryPositions, [rows.AttentionRowCount, 1, perRow, 1], device: keyIndex.device);
        using var keys = keyIndex.narrow(0, 0, rows.KeyLength);
        return keys.le(queries);
    }

    /// <summary>Causal mask for a full sequence of <paramref name="length"/> tokens shared by every row.</summary>
    /// <returns>[1, 1, G*T, T] bool.</returns>
    public static Tensor Causal(int length, int groups, Tensor keyIndex)
    {
        using var keys = keyIndex.narrow(0, 0, length);
        using var queries = keys.repeat(groups).view(1, 1, groups * length, 1);
        return keys.le(queries);
    }
}
