using DomainAssistant.Model;

namespace DomainAssistant.Training.Pretraining;

/// <summary>
/// The bootstrap base models, named by size. Shapes are chosen for a 2-core CPU: head dimension 64 and widths that are
/// multiples of 64 keep the matrix products efficient; embeddings are tied to the head, as small models do, so the
/// vocabulary costs parameters only once.
/// </summary>
/// <remarks>
/// | size   | hidden | layers | heads | ffn  | parameters (vocab 4,096)      |
/// | tiny   | 64     | 2      | 4     | 192  | 0.34 M (tests and smoke runs) |
/// | small  | 256    | 4      | 4     | 704  | 4.13 M                        |
/// | medium | 384    | 6      | 6     | 1024 | 12.0 M                        |
/// </remarks>
public static class ModelSizes
{
    public static IReadOnlyList<string> Names { get; } = ["tiny", "small", "medium"];

    /// <summary>The config of a named size for a vocabulary and context length.</summary>
    /// <param name="size">tiny, small or medium.</param>
    /// <param name="vocabSize">The tokenizer's vocabulary size.</param>
    /// <param name="maxPositions">Context length the model supports (max_position_embeddings).</param>
    /// <param name="bosId">Beginning-of-sequence id.</param>
    /// <param name="eosId">End-of-sequence id.</param>
    public static LlamaConfig For(string size, int vocabSize, int maxPositions, int bosId, int eosId)
    {
        var (hidden, layers, heads, ffn) = size switch
        {
            "tiny" => (64, 2, 4, 192),
            "small" => (256, 4, 4, 704),
            "medium" => (384, 6, 6, 1024),
            _ => throw new ArgumentException($"unknown model size '{size}'; known: {string.Join(", ", Names)}."),
        };
        return new LlamaConfig
        {
            VocabSize = vocabSize, HiddenSize = hidden, IntermediateSize = ffn, NumHiddenLayers = layers,
            NumAttentionHeads = heads, NumKeyValueHeads = heads, MaxPositionEmbeddings = maxPositions,
            RmsNormEps = 1e-5, TieWordEmbeddings = true, BosTokenId = bosId, EosTokenId = eosId,
        };
    }
}
