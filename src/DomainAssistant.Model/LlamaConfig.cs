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
/// Llama 3.1's rope_scaling of type "llama3": low frequencies slowed by <see cref="Factor"/>, high ones kept, the band
/// between blended, so a model trained on <see cref="OriginalMaxPositions"/> tokens reads longer contexts.
/// </summary>
public sealed record Llama3RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositions);

/// <summary>
/// The shape of a Llama-family decoder (Llama, Mistral, Qwen2, Qwen3, SmolLM), named as in Hugging Face's config.json.
/// </summary>
public sealed record LlamaConfig
{
    readonly int? _headDim;

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

    /// <summary>Qwen3 normalises each head of q and k (q_norm, k_norm: RMSNorm over head_dim) before the rotation.</summary>
    public bool QkNorm { get; init; }

    /// <summary>Llama 3.1's frequency scaling, or null for plain RoPE.</summary>
    public Llama3RopeScaling? RopeScaling { get; init; }

    /// <summary>
    /// Width of one attention head: config.json's head_dim when it gives one (Qwen3: 128 with hidden 1024 over 16
    /// heads), otherwise hidden_size / num_attention_heads.
    /// </summary>
    public int HeadDim
    {
        get => _headDim ?? HiddenSize / NumAttentionHeads;
        init => _headDim = value;
    }

    /// <summary>Whether <see cref="HeadDim"/> was given rather than derived (config.json then says head_dim).</summary>
    public bool HeadDimIsExplicit => _headDim is not null;

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
        if (_headDim is null && HiddenSize % NumAttentionHeads != 0)
            throw new InvalidDataException($"config: hidden_size {HiddenSize} is not divisible by num_attention_heads {NumAttentionHeads}.");
        if (NumAttentionHeads % NumKeyValueHeads != 0)
            throw new InvalidDataException($"config: num_attention_heads {NumAttentionHeads} is not divisible by num_key_value_heads {NumKeyValueHeads}.");
        if (RopeScaling is { } scaling && !(scaling.Factor > 0 && scaling.LowFreqFactor > 0 && scaling.HighFreqFactor > scaling.LowFreqFactor && scaling.OriginalMaxPositions > 0))
            throw new InvalidDataException($"config: rope_scaling {scaling} needs factor > 0, 0 < low_freq_factor < high_freq_factor and original_max_position_embeddings > 0.");
        if (HeadDim <= 0 || HeadDim % 2 != 0)
            throw new InvalidDataException($"config: head dimension {HeadDim} must be even for rotary embeddings.");
    }
}
