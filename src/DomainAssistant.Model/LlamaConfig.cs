namespace DomainAssistant.Model;

/// <summary>How rotary embeddings pair up the dimensions of a head.</summary>
public enum RopeStyle
{
    /// <summary>Rotate adjacent pairs (x[2i], x[2i+1]), as llama2.c and Meta's original code do.</summary>
    Adjacent,

    /// <summary>Rotate the two halves of each head (x[i], x[i + d/2]), as Hugging Face's rotate_half does.</summary>
    Halves,
}

/// <summary>
/// The shape of a Llama-family decoder (Llama, Mistral, Qwen2, SmolLM), named as in Hugging Face's config.json.
/// </summary>
public sealed record LlamaConfig
{
    public string ModelType { get; init; } = "llama";
    public int VocabSize { get; init; }
    public int HiddenSize { get; init; }
    public int IntermediateSize { get; init; }
    public int NumHiddenLayers { get; init; }
    public int NumAttentionHeads { get; init; }
    public int NumKeyValueHeads { get; init; }
    public int MaxPositionEmbeddings { get; init; } = 2048;
    public double RmsNormEps { get; init; } = 1e-5;
    public double RopeTheta { get; init; } = 10000.0;
    public bool TieWordEmbeddings { get; init; }

    /// <summary>Qwen2 puts biases on q/k/v projections; Llama and Mistral have none.</summary>
    public bool AttentionBias { get; init; }

    public RopeStyle RopeStyle { get; init; } = RopeStyle.Halves;
    public int BosTokenId { get; init; } = 1;
    public int EosTokenId { get; init; } = 2;

    /// <summary>Weights' dtype on disk, as config.json's torch_dtype ("float32", "bfloat16", "float16").</summary>
    public string TorchDtype { get; init; } = "float32";

    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Throws with a message naming the field when the shape cannot describe a working model.</summary>
    public void Validate()
    {
        static void Positive(int value, string name)
        {
            if (value <= 0) throw new InvalidDataException($"config: {name} must be positive, got {value}.");
        }
        Positive(VocabSize, "vocab_size");
        Positive(HiddenSize, "hidden_size");
        Positive(IntermediateSize, "intermediate_size");
        Positive(NumHiddenLayers, "num_hidden_layers");
        Positive(NumAttentionHeads, "num_attention_heads");
        Positive(NumKeyValueHeads, "num_key_value_heads");
        if (HiddenSize % NumAttentionHeads != 0)
            throw new InvalidDataException($"config: hidden_size {HiddenSize} is not divisible by num_attention_heads {NumAttentionHeads}.");
        if (NumAttentionHeads % NumKeyValueHeads != 0)
            throw new InvalidDataException($"config: num_attention_heads {NumAttentionHeads} is not divisible by num_key_value_heads {NumKeyValueHeads}.");
        if (HeadDim % 2 != 0)
            throw new InvalidDataException($"config: head dimension {HeadDim} must be even for rotary embeddings.");
    }
}
