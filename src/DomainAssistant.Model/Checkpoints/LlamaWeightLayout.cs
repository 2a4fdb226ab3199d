using static TorchSharp.torch;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>One weight a Llama checkpoint must hold, by its Hugging Face name.</summary>
public sealed record ExpectedWeight(string Name, IReadOnlyList<long> Shape)
{
    public override string ToString() => $"{Name} [{string.Join(", ", Shape)}]";
}

/// <summary>
/// The Hugging Face weight names and shapes of a Llama-family model (Llama, Mistral, SmolLM, Qwen2 with q/k/v biases,
/// Qwen3 with q_norm/k_norm),
/// and a check of a checkpoint's (name, shape) list against them that reports every difference in one message.
/// </summary>
/// <remarks>
/// Decisions: with tied embeddings lm_head.weight is not expected, but a checkpoint that still carries it (older
/// exports do) is accepted when its shape is [V, D]; <see cref="Weights"/> leaves it out, so loaders skip it and the
/// model ties as transformers does. model.layers.{i}.self_attn.rotary_emb.inv_freq buffers (transformers before 4.31
/// saved them) are derived from the config and ignored.
/// </remarks>
public sealed class LlamaWeightLayout
{
    const string TiedHead = "lm_head.weight";

    public LlamaWeightLayout(LlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Weights = Build(config);
    }

    public LlamaConfig Config { get; }

    /// <summary>Every weight the model needs, in model order (embedding, layers, final norm, head).</summary>
    public IReadOnlyList<ExpectedWeight> Weights { get; }

    /// <summary>Names a checkpoint may carry beyond <see cref="Weights"/> without being wrong; loaders skip them.</summary>
    public bool IsIgnored(string name) =>
        (Config.TieWordEmbeddings && name == TiedHead) ||
        (name.StartsWith("model.layers.", StringComparison.Ordinal) && name.EndsWith(".self_attn.rotary_emb.inv_freq", StringComparison.Ordinal));

    static List<ExpectedWeight> Build(LlamaConfig c)
    {
        long vocab = c.VocabSize, d = c.HiddenSize, inner = c.IntermediateSize;
        long q = (long)c.NumAttentionHeads * c.HeadDim, kv = (long)c.NumKeyValueHeads * c.HeadDim;
        var weights = new List<ExpectedWeight> { new("model.embed_tokens.weight", [vocab, d]) };
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            string p = $"model.layers.{i}.";
            weights.Add(new($"{p}input_layernorm.weight", [d]));
            weights.Add(new($"{p}self_attn.q_proj.weight", [q, d]));
            weights.Add(new($"{p}self_attn.k_proj.weight", [kv, d]));
            weights.Add(new($"{p}self_attn.v_proj.weight", [kv, d]));
            if (c.AttentionBias)
            {
                weights.Add(new($"{p}self_attn.q_proj.bias", [q]));
                weights.Add(new($"{p}self_attn.k_proj.bias", [kv]));
                weights.Add(new($"{p}self_attn.v_proj.bias", [kv]));
            }
            weights.Add(new($"{p}self_attn.o_proj.weight", [d, q]));
            if (c.QkNorm)
            {
                weights.Add(new($"{p}self_attn.q_norm.weight", [c.HeadDim]));
                weights.Add(new($"{p}self_attn.k_norm.weight", [c.HeadDim]));
            }
            weights.Add(new($"{p}post_attention_layernorm.weight", [d]));
            weights.Add(new($"{p}mlp.gate_proj.weight", [inner, d]));
            weights.Add(new($"{p}mlp.up_proj.weight", [inner, d]));
            weights.Add(new($"{p}mlp.down_proj.weight", [d, inner]));
        }
        weights.Add(new("model.norm.weight", [d]));
        if (!c.TieWordEmbeddings) weights.Add(new(TiedHead, [vocab, d]));
        return weights;
    }

    /// <summary>Checks tensors in memory (for example before saving); see <see cref="Validate(IEnumerable{KeyValuePair{string, IReadOnlyList{long}}}, string)"/>.</summary>
    public void Validate(IReadOnlyDictionary<string, Tensor> weights, string checkpointPath)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Validate(weights.Select(w => KeyValuePair.Create(w.Key, (IReadOnlyList<long>)w.Value.shape)), checkpointPath);
    }

    /// <summary>
    /// Throws one <see cref="InvalidDataException"/> naming <paramref name="checkpointPath"/>, every missing key,
    /// every unexpected key and every shape mismatch (expected vs actual) when <paramref name="actual"/> does not fit.
    /// </summary>
    public void Validate(IEnumerable<KeyValuePair<string, IReadOnlyList<long>>> actual, string checkpointPath)
    {
        ArgumentNullException.ThrowIfNull(actual);
        var found = new Dictionary<string, IReadOnlyList<long>>(StringComparer.Ordinal);
        foreach (var (name, shape) in actual) found[name] = shape;
        var expected = Weights.ToDictionary(w => w.Name, w => w.Shape, StringComparer.Ordinal);
        if (Config.TieWordEmbeddings) expected[TiedHead] = [Config.VocabSize, Config.HiddenSize];

        var missing = Weights.Where(w => !found.ContainsKey(w.Name)).Select(w => w.Name).ToList();
        var unexpected = found.Keys.Where(n => !expected.ContainsKey(n) && !IsIgnored(n)).Order(StringComparer.Ordinal).ToList();
        var mismatched = found
            .Where(f => expected.TryGetValue(f.Key, out var shape) && !shape.SequenceEqual(f.Value))
            .Select(f => $"{f.Key} expected {Show(expected[f.Key])}, got {Show(f.Value)}")
            .Order(StringComparer.Ordinal)
            .ToList();
        if (missing.Count + unexpected.Count + mismatched.Count == 0) return;
        throw new InvalidDataException(Describe(checkpointPath, missing, unexpected, mismatched));
    }

    string Describe(string path, List<string> missing, List<string> unexpected, List<string> mismatched)
    {
        var c = Config;
        var lines = new List<string>
        {
            $"Checkpoint '{path}' does not match the {c.ModelType} layout of its config (vocab {c.VocabSize}, hidden {c.HiddenSize}, " +
            $"intermediate {c.IntermediateSize}, layers {c.NumHiddenLayers}, heads {c.NumAttentionHeads}, kv heads {c.NumKeyValueHeads}, " +
            $"attention bias {c.AttentionBias}, tied embeddings {c.TieWordEmbeddings}):",
        };
        if (missing.Count > 0) lines.Add($"  missing keys ({missing.Count}): {string.Join(", ", missing)}");
        if (unexpected.Count > 0) lines.Add($"  unexpected keys ({unexpected.Count}): {string.Join(", ", unexpected)}");
        if (mismatched.Count > 0) lines.Add($"  shape mismatches ({mismatched.Count}): {string.Join("; ", mismatched)}");
        return string.Join(Environment.NewLine, lines);
    }

    static string Show(IReadOnlyList<long> shape) => $"[{string.Join(", ", shape)}]";
}
