using DomainAssistant.Model.Kernels;
using DomainAssistant.Model.Lora;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Modeling;

/// <summary>
/// A Llama-family decoder with its language-model head. Parameter names equal Hugging Face's keys
/// (model.embed_tokens.weight, model.layers.{i}.self_attn.q_proj.weight, ..., model.norm.weight, lm_head.weight),
/// so <c>state_dict()</c> is an HF weight dictionary. With tied embeddings there is no lm_head.weight: the head is
/// model.embed_tokens.weight.
/// </summary>
/// <remarks>
/// Two forwards: <see cref="Forward(Tensor, IReadOnlyList{string?}?)"/> over whole sequences (training, scoring) and
/// <see cref="Forward(Tensor, KvCache, IReadOnlyList{int}, IReadOnlyList{string?}?, bool)"/> through a KV cache
/// (generation). Both take an optional adapter name per row (null = the base model). Cast the whole model with
/// <c>to(ScalarType.BFloat16)</c>; logits come back float32 either way.
/// </remarks>
public sealed class LlamaForCausalLM : nn.Module
{
    const double InitializerRange = 0.02; // Hugging Face's default initializer_range.

    readonly LlamaModel model;
    readonly Linear? lm_head;
    RotaryEmbedding _rotary;
    Tensor _positionIndex; // [max_position_embeddings] int64: 0, 1, 2, ... for masks

    LlamaForCausalLM(LlamaConfig config) : base(nameof(LlamaForCausalLM))
    {
        Config = config;
        model = new LlamaModel(config);
        lm_head = config.TieWordEmbeddings ? null : nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
        (_rotary, _positionIndex) = PositionTables(CPU);
        Adapters = new LoraAdapters(this);
        _panels = new DecodeWeightPanels(this, () => HeadWeight);
    }

    readonly DecodeWeightPanels _panels;

    Tensor HeadWeight => lm_head is null ? model.EmbeddingWeight : lm_head.weight!;

    public LlamaConfig Config { get; }

    /// <summary>Named LoRA adapters resident over this one base.</summary>
    public LoraAdapters Adapters { get; }

    /// <summary>The dtype of the weights (and of a new KV cache).</summary>
    public ScalarType DType => model.EmbeddingWeight.dtype;

    public Device Device => model.EmbeddingWeight.device;

    /// <summary>A model of this shape with Hugging Face's initialisation (normal(0, 0.02), norms 1, biases 0), in eval mode.</summary>
    public static LlamaForCausalLM Create(LlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var created = new LlamaForCausalLM(config);
        using (no_grad())
        {
            foreach (var (name, parameter) in created.named_parameters())
            {
                if (name.EndsWith("norm.weight", StringComparison.Ordinal)) parameter.fill_(TorchScalars.One);
                else if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
                else parameter.normal_(0, InitializerRange);
            }
        }
        created.eval();
        return created;
    }

    /// <summary>Copies weights by Hugging Face name (any float dtype; cast to the model's).</summary>
    /// <exception cref="InvalidDataException">A key is missing, mis-shaped or unexpected for this config.</exception>
    /// <remarks>With tied embeddings an lm_head.weight entry is ignored (the head is the embedding);
    /// rotary_emb.inv_freq entries of older checkpoints are ignored (the tables are computed).</remarks>
    public void LoadWeights(IReadOnlyDictionary<string, Tensor> hfWeights)
    {
        ArgumentNullException.ThrowIfNull(hfWeights);
        HfWeights.CopyInto(this, hfWeights, key =>
            (Config.TieWordEmbeddings && key == "lm_head.weight") || key.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal));
        _panels.Refresh();
    }

    /// <summary>
    /// Keeps a second copy of the float32 linear weights in the layout that batched decoding reads fastest
    /// (<see cref="WeightPanels"/>) until the returned lease is disposed; leases nest, the copy goes with the last.
    /// Batched engines hold one (<see cref="Generation.GenerationEngine"/>). Costs the weights' size again in memory;
    /// on bf16 models, GPUs or CPUs without AVX-512 it holds nothing.
    /// </summary>
    /// <remarks>The copy follows <c>to(...)</c> and <see cref="LoadWeights"/>; other in-place changes to the base
    /// weights (full fine-tuning) must not happen while a lease is open.</remarks>
    public IDisposable LeaseWeightPanels() => _panels.Lease();

    /// <summary>Bytes of native memory the weight panels hold now (0 with no lease open).</summary>
    public long WeightPanelBytes => _panels.Bytes;

    /// <summary>A zeroed cache in this model's dtype and device with <paramref name="slots"/> sequences of up to <paramref name="capacity"/> tokens.</summary>
    public KvCache NewKvCache(int slots, int capacity)
    {
        if (capacity > Config.MaxPositionEmbeddings)
            throw new ArgumentOutOfRangeException(nameof(capacity), $"capacity {capacity} exceeds max_position_embeddings {Config.MaxPositionEmbeddings}.");
        return new KvCache(Config.NumHiddenLayers, slots, capacity, Config.NumKeyValueHeads, Config.HeadDim, DType, Device);
    }

    /// <summary>
    /// Full-sequence forward from position 0 with a causal mask, no cache (training, scoring). Gradients follow the
    /// caller's autograd mode. Pad on the right: a causal mask never lets real tokens see later padding.
    /// </summary>
    /// <param name="inputIds">[B, T] int64, T at most max_position_embeddings.</param>
    /// <param name="adapterPerRow">One adapter name (null = base model) per row, or null for the base everywhere.</param>
    /// <returns>Logits [B, T, vocab] float32.</returns>
    public Tensor Forward(Tensor inputIds, IReadOnlyList<string?>? adapterPerRow = null)
    {
        using var scope = NewDisposeScope();
        return Logits(FullSequence(inputIds, adapterPerRow)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The final-norm hidden states over whole sequences (the full-sequence forward without the LM head), for pooled
    /// embeddings and for scalar heads such as a reward model's. Gradients follow the caller's autograd mode. Pad on
    /// the right, as for <see cref="Forward(Tensor, IReadOnlyList{string?}?)"/>: real tokens never see later padding.
    /// </summary>
    /// <param name="inputIds">[B, T] int64, T at most max_position_embeddings.</param>
    /// <param name="adapterPerRow">One adapter name (null = base model) per row, or null for the base everywhere.</param>
    /// <returns>[B, T, hidden] float32.</returns>
    public Tensor HiddenStates(Tensor inputIds, IReadOnlyList<string?>? adapterPerRow = null)
    {
        using var scope = NewDisposeScope();
        var normed = model.Norm(FullSequence(inputIds, adapterPerRow));
        return (normed.dtype == ScalarType.Float32 ? normed : normed.to_type(ScalarType.Float32)).MoveToOuterDisposeScope();
    }

    /// <summary>Hidden states before the final norm, [B, T, hidden], from position 0 under a causal mask.</summary>
    Tensor FullSequence(Tensor inputIds, IReadOnlyList<string?>? adapterPerRow)
    {
        var (_, length) = CheckIds(inputIds);
        var angles = _rotary.Prefix(length, DType);
        var mask = AttentionMask.Causal(length, Config.NumAttentionHeads / Config.NumKeyValueHeads, _positionIndex);
        using var routing = Route(adapterPerRow, inputIds.size(0));
        var batch = new ForwardBatch(_rotary, angles, mask, routing, cache: null, rows: null);
        return model.forward(inputIds, batch);
    }

    /// <summary>
    /// Cached forward under no_grad: row b appends its T tokens to cache slot <paramref name="slots"/>[b] at that
    /// slot's next positions and attends over the slot's whole history. Rows may sit at different positions, so a
    /// scheduler can prefill one request (B = 1, T = prompt) and decode every active slot together (T = 1).
    /// </summary>
    /// <param name="inputIds">[B, T] int64.</param>
    /// <param name="cache">From <see cref="NewKvCache"/>; each slot's length grows by T.</param>
    /// <param name="slots">B distinct slots.</param>
    /// <param name="adapterPerRow">One adapter name (null = base model) per row, or null for the base everywhere.</param>
    /// <param name="lastPositionOnly">Return only the last position's logits ([B, 1, vocab]), as a prefill needs.</param>
    /// <returns>Logits [B, T, vocab] (or [B, 1, vocab]) float32.</returns>
    public Tensor Forward(Tensor inputIds, KvCache cache, IReadOnlyList<int> slots, IReadOnlyList<string?>? adapterPerRow = null, bool lastPositionOnly = false)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(slots);
        var (rowCount, length) = CheckIds(inputIds);
        if (slots.Count != rowCount) throw new ArgumentException($"{slots.Count} slots for {rowCount} rows.", nameof(slots));
        if (cache.Layers != Config.NumHiddenLayers || cache.DType != DType)
            throw new ArgumentException($"the cache ({cache.Layers} layers, {cache.DType}) does not fit this model ({Config.NumHiddenLayers} layers, {DType}).", nameof(cache));

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var rows = cache.Plan(slots, length, Device);
        var angles = _rotary.At(rows.Positions, DType);
        var mask = AttentionMask.ForCachedRows(rows, Config.NumAttentionHeads / Config.NumKeyValueHeads, _positionIndex);
        using var routing = Route(adapterPerRow, rowCount);
        var hidden = model.forward(inputIds, new ForwardBatch(_rotary, angles, mask, routing, cache, rows));
        cache.Commit(rows);
        if (lastPositionOnly) hidden = hidden.narrow(1, length - 1, 1);
        return Logits(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>Attaches a fresh adapter (A Kaiming-uniform from <paramref name="seed"/>, B zeros) and freezes the base weights.</summary>
    public void AddAdapter(string name, LoraConfig config, long seed) => Adapters.Add(name, config, seed);

    /// <summary>Detaches and disposes an adapter.</summary>
    public void RemoveAdapter(string name) => Adapters.Remove(name);

    /// <summary>An adapter's trainable tensors under their PEFT keys (base_model.model.{module}.lora_A.weight, ...).</summary>
    public IEnumerable<(string Key, Parameter Parameter)> AdapterParameters(string name) => Adapters.Parameters(name);

    /// <summary>Sets whether the base (Hugging Face) weights receive gradients, e.g. true for full fine-tuning.</summary>
    public void SetBaseTrainable(bool trainable)
    {
        foreach (var parameter in parameters()) parameter.requires_grad = trainable;
    }

    Tensor Logits(Tensor hidden)
    {
        using var normed = model.Norm(hidden);
        var logits = SmallBatchLinear.Linear(normed, HeadWeight, bias: null, _panels.Head);
        if (logits.dtype == ScalarType.Float32) return logits;
        using (logits) return logits.to_type(ScalarType.Float32);
    }

    AdapterRouting Route(IReadOnlyList<string?>? adapterPerRow, long rowCount)
    {
        if (adapterPerRow is not null)
        {
            foreach (var name in adapterPerRow)
                if (name is not null && !Adapters.Contains(name)) throw new ArgumentException($"no adapter named '{name}' is attached.", nameof(adapterPerRow));
        }
        return AdapterRouting.For(adapterPerRow, rowCount, Device);
    }

    static (int Rows, int Length) CheckIds(Tensor inputIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (inputIds.dim() != 2 || inputIds.dtype != ScalarType.Int64 || inputIds.size(1) == 0)
            throw new ArgumentException($"inputIds must be a non-empty [B, T] int64 tensor, got {inputIds.dtype} [{string.Join(", ", inputIds.shape)}].", nameof(inputIds));
        return ((int)inputIds.size(0), (int)inputIds.size(1));
    }

    (RotaryEmbedding, Tensor) PositionTables(Device device)
    {
        using var end = Config.MaxPositionEmbeddings.ToScalar();
        return (new RotaryEmbedding(Config.HeadDim, Config.MaxPositionEmbeddings, Config.RopeTheta, Config.RopeStyle, device, Config.RopeScaling),
            arange(TorchScalars.Zero, end, TorchScalars.One, ScalarType.Int64, device));
    }

    // The rotary and position tables are not parameters or buffers: move them with the weights. Weight panels are
    // copies of the weights: rebuild them from the moved ones.
    protected override nn.Module _to(Device device, ScalarType dtype, bool non_blocking)
    {
        MoveTables(device);
        var moved = base._to(device, dtype, non_blocking);
        _panels.Refresh();
        return moved;
    }

    protected override nn.Module _to(DeviceType deviceType, int deviceIndex, bool non_blocking)
    {
        MoveTables(new Device(deviceType, deviceIndex));
        var moved = base._to(deviceType, deviceIndex, non_blocking);
        _panels.Refresh();
        return moved;
    }

    protected override nn.Module _to(ScalarType dtype, bool non_blocking)
    {
        var cast = base._to(dtype, non_blocking);
        _panels.Refresh();
        return cast;
    }

    void MoveTables(Device device)
    {
        if (_positionIndex.device.type == device.type && _positionIndex.device.index == device.index) return;
        _rotary.Dispose();
        _positionIndex.Dispose();
        (_rotary, _positionIndex) = PositionTables(device);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _panels.Dispose();
            _rotary.Dispose();
            _positionIndex.Dispose();
        }
        base.Dispose(disposing);
    }
}
