using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>
/// Reads llama2.c's legacy checkpoint (run.c's format): 7 little-endian int32 (dim, hidden_dim, n_layers, n_heads,
/// n_kv_heads, vocab_size, seq_len; a negative vocab_size means an untied classifier follows), then float32 arrays.
/// Weights come back under Hugging Face names in their original layout, with <see cref="RopeStyle.Adjacent"/>.
/// </summary>
public static class Llama2cCheckpoint
{
    const int HeaderBytes = 7 * sizeof(int);
    const int MaxDimension = 1 << 16;     // generous bounds that still catch garbage headers
    const int MaxLayers = 1024;
    const int MaxVocab = 1 << 24;
    const int MaxSequence = 1 << 20;

    /// <summary>The header's fields, named as in run.c.</summary>
    public readonly record struct Header(int Dim, int HiddenDim, int Layers, int Heads, int KvHeads, int VocabSize, int SeqLen, bool SharedClassifier);

    /// <summary>Reads a checkpoint after checking its header and that the file length is exactly what the header implies.</summary>
    /// <param name="path">A .bin file in llama2.c's legacy format.</param>
    /// <returns>The config (tied unless the classifier is stored) and float32 weights by HF name (model.layers.{i}.self_attn.q_proj.weight, ...).</returns>
    /// <exception cref="InvalidDataException">Truncated or oversized file, or header values no model can have; the message names the file.</exception>
    public static (LlamaConfig Config, Dictionary<string, Tensor> Weights) Load(string path)
    {
        using var stream = File.OpenRead(path);
        var header = ReadHeader(stream, path);
        var expected = ExpectedLength(header, path);
        if (stream.Length != expected)
            throw new InvalidDataException($"{path}: the header describes a {expected}-byte file but it has {stream.Length} bytes ({(stream.Length < expected ? "truncated" : "trailing data")}).");

        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            ReadWeights(stream, header, weights);
        }
        catch
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
            throw;
        }
        return (ToConfig(header), weights);
    }

    /// <summary>
    /// Reorders a q or k projection from adjacent-pair rotary to half-split rotary, as Hugging Face's conversion script
    /// does: within each head, row 2i+c (pair i, component c) moves to row c*head_dim/2 + i. A model with
    /// <see cref="RopeStyle.Halves"/> and the permuted weights computes the same function as
    /// <see cref="RopeStyle.Adjacent"/> with the original ones.
    /// </summary>
    /// <param name="w">[heads*head_dim, in] weight or [heads*head_dim] bias.</param>
    /// <param name="nHeads">Heads the rows split into (n_heads for q, n_kv_heads for k).</param>
    /// <returns>A new tensor of the same shape.</returns>
    public static Tensor PermuteForHalves(Tensor w, int nHeads)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (w.dim() is not (1 or 2)) throw new ArgumentException($"expected a 1-D or 2-D tensor, got {w.dim()}-D.", nameof(w));
        var rows = w.shape[0];
        if (nHeads <= 0 || rows % (2L * nHeads) != 0)
            throw new ArgumentException($"{rows} rows do not split into {nHeads} heads of even size.", nameof(nHeads));
        var columns = w.dim() == 2 ? w.shape[1] : 1;
        using var pairs = w.reshape(nHeads, rows / nHeads / 2, 2, columns);  // [heads, hd/2, 2, in]
        using var halves = pairs.transpose(1, 2);                             // [heads, 2, hd/2, in]
        return halves.reshape(w.shape);
    }

    static Header ReadHeader(FileStream stream, string path)
    {
        if (stream.Length < HeaderBytes) throw new InvalidDataException($"{path}: {stream.Length} bytes is too short for a llama2.c header ({HeaderBytes} bytes).");
        var fields = new int[7];
        stream.ReadExactly(MemoryMarshal.AsBytes(fields.AsSpan()));
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("llama2.c checkpoints are little-endian; this machine is not.");
        var header = new Header(fields[0], fields[1], fields[2], fields[3], fields[4], Math.Abs(fields[5]), fields[6], fields[5] > 0);

        void Check(bool ok, string what)
        {
            if (!ok) throw new InvalidDataException($"{path}: not a llama2.c checkpoint ({what}; header {string.Join(", ", fields)}).");
        }
        Check(header.Dim is > 0 and <= MaxDimension, $"dim {header.Dim}");
        Check(header.HiddenDim is > 0 and <= 16 * MaxDimension, $"hidden_dim {header.HiddenDim}");
        Check(header.Layers is > 0 and <= MaxLayers, $"n_layers {header.Layers}");
        Check(header.Heads > 0 && header.Dim % header.Heads == 0 && header.Dim / header.Heads % 2 == 0, $"n_heads {header.Heads} must split dim {header.Dim} into even heads");
        Check(header.KvHeads > 0 && header.Heads % header.KvHeads == 0, $"n_kv_heads {header.KvHeads} must divide n_heads {header.Heads}");
        Check(fields[5] != 0 && fields[5] != int.MinValue && header.VocabSize <= MaxVocab, $"vocab_size {fields[5]}");
        Check(header.SeqLen is > 0 and <= MaxSequence, $"seq_len {header.SeqLen}");
        return header;
    }

    static long ExpectedLength(Header h, string path)
    {
        try
        {
            checked
            {
                long dim = h.Dim, hidden = h.HiddenDim, layers = h.Layers, headDim = h.Dim / h.Heads, kvDim = h.KvHeads * headDim;
                var floats = h.VocabSize * dim                      // token_embedding_table
                    + layers * dim * 2                              // rms_att_weight, rms_ffn_weight
                    + layers * dim * dim * 2                        // wq, wo
                    + layers * kvDim * dim * 2                      // wk, wv
                    + layers * hidden * dim * 3                     // w1, w2, w3
                    + dim                                           // rms_final_weight
                    + 2 * (h.SeqLen * headDim / 2)                  // legacy freq_cis_real / freq_cis_imag
                    + (h.SharedClassifier ? 0 : h.VocabSize * dim); // wcls
                return HeaderBytes + floats * sizeof(float);
            }
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{path}: header sizes overflow (dim {h.Dim}, hidden_dim {h.HiddenDim}, n_layers {h.Layers}, vocab_size {h.VocabSize}).");
        }
    }

    static void ReadWeights(FileStream stream, Header h, Dictionary<string, Tensor> weights)
    {
        long dim = h.Dim, hidden = h.HiddenDim, kvDim = h.KvHeads * (dim / h.Heads);
        weights["model.embed_tokens.weight"] = ReadArray(stream, h.VocabSize, dim);
        // Per-layer arrays are [layers, out, in] back to back; each layer's slice is contiguous.
        ReadPerLayer(stream, h.Layers, weights, "input_layernorm.weight", dim);
        ReadPerLayer(stream, h.Layers, weights, "self_attn.q_proj.weight", dim, dim);
        ReadPerLayer(stream, h.Layers, weights, "self_attn.k_proj.weight", kvDim, dim);
        ReadPerLayer(stream, h.Layers, weights, "self_attn.v_proj.weight", kvDim, dim);
        ReadPerLayer(stream, h.Layers, weights, "self_attn.o_proj.weight", dim, dim);
        ReadPerLayer(stream, h.Layers, weights, "post_attention_layernorm.weight", dim);
        ReadPerLayer(stream, h.Layers, weights, "mlp.gate_proj.weight", hidden, dim);  // w1
        ReadPerLayer(stream, h.Layers, weights, "mlp.down_proj.weight", dim, hidden);  // w2
        ReadPerLayer(stream, h.Layers, weights, "mlp.up_proj.weight", hidden, dim);    // w3
        weights["model.norm.weight"] = ReadArray(stream, dim);
        stream.Seek(2L * (h.SeqLen * (dim / h.Heads) / 2) * sizeof(float), SeekOrigin.Current); // legacy RoPE tables: recomputed instead
        if (!h.SharedClassifier) weights["lm_head.weight"] = ReadArray(stream, h.VocabSize, dim);
    }

    static void ReadPerLayer(FileStream stream, int layers, Dictionary<string, Tensor> weights, string name, params long[] shape)
    {
        for (var layer = 0; layer < layers; layer++) weights[$"model.layers.{layer}.{name}"] = ReadArray(stream, shape);
    }

    static Tensor ReadArray(FileStream stream, params long[] shape)
    {
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return tensor(values, shape);
    }

    static LlamaConfig ToConfig(Header h) => new()
    {
        ModelType = "llama",
        VocabSize = h.VocabSize,
        HiddenSize = h.Dim,
        IntermediateSize = h.HiddenDim,
        NumHiddenLayers = h.Layers,
        NumAttentionHeads = h.Heads,
        NumKeyValueHeads = h.KvHeads,
        MaxPositionEmbeddings = h.SeqLen,
        RmsNormEps = 1e-5,
        RopeTheta = 10000.0,
        TieWordEmbeddings = h.SharedClassifier,
        RopeStyle = RopeStyle.Adjacent,
        BosTokenId = 1,
        EosTokenId = 2,
        TorchDtype = "float32",
    };
}
