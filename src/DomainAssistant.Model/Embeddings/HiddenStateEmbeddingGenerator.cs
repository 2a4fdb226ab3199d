using DomainAssistant.Model.Modeling;
using DomainAssistant.Model.Tokenization;
using Microsoft.Extensions.AI;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Embeddings;

/// <summary>
/// Text embeddings from a loaded decoder: each text is tokenized with the model's tokenizer (BOS first when the model
/// uses one), cut to <see cref="MaxTokens"/>, run through the base decoder without its LM head
/// (<see cref="LlamaForCausalLM.HiddenStates"/>), and the final-norm hidden states are averaged over the text's tokens
/// (BOS left out: its state is the same for every text) and L2-normalised. Texts are embedded in batches of similar
/// length, padded on the right and masked out of the mean; with causal attention the padding never reaches a real
/// token, so a text's vector does not depend on its batch.
/// </summary>
/// <remarks>
/// The model's forward passes belong to whoever serves it (the generation engine). Pass that owner's
/// <c>forwardGate</c> (<see cref="Generation.GenerationEngine.ForwardGate"/>): each batch's forward runs under it, so it
/// never overlaps a prefill or decode step. Without one the generator uses a lock of its own, which only serialises
/// its own calls. Embeddings use the base weights only: no adapter is applied.
/// </remarks>
public sealed class HiddenStateEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Provider name in the metadata.</summary>
    public const string ProviderName = "pooled-hidden-states";

    /// <summary>AdditionalProperties key on each embedding: tokens of the text that were embedded.</summary>
    public const string TokensProperty = "tokens";

    /// <summary>AdditionalProperties key on each embedding that was cut to <see cref="MaxTokens"/>: the text's full token count.</summary>
    public const string TruncatedFromProperty = "truncated_from_tokens";

    readonly LlamaForCausalLM _model;
    readonly ModelTokenizer _tokenizer;
    readonly Lock _forwardGate;
    readonly EmbeddingGeneratorMetadata _metadata;

    /// <param name="model">The decoder (any dtype; vectors come back float32).</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="modelId">Names the weights: it must change when they do (e.g. built from <see cref="WeightsChecksum"/>).</param>
    /// <param name="forwardGate">Held around every forward pass; share the generation engine's. Null: a private lock.</param>
    /// <param name="maxTokens">Tokens per text at most; longer texts are cut (default and ceiling: the model's positions).</param>
    /// <param name="batchSize">Texts per forward pass (default 16).</param>
    public HiddenStateEmbeddingGenerator(LlamaForCausalLM model, ModelTokenizer tokenizer, string modelId, Lock? forwardGate = null,
        int? maxTokens = null, int batchSize = 16)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var positions = model.Config.MaxPositionEmbeddings;
        MaxTokens = Math.Min(maxTokens ?? positions, positions);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTokens, 2, nameof(maxTokens));
        BatchSize = batchSize;
        _forwardGate = forwardGate ?? new Lock();
        _metadata = new EmbeddingGeneratorMetadata(ProviderName, providerUri: null, modelId, model.Config.HiddenSize);
    }

    /// <summary>The id stored with the vectors; changes when the weights do.</summary>
    public string ModelId => _metadata.DefaultModelId!;

    /// <summary>
    /// The model id of pooled hidden states of the base weights at <paramref name="checkpointPath"/>: their checksum,
    /// whatever the model is called, so every host that loads the same files names the same embedding space.
    /// </summary>
    /// <exception cref="FileNotFoundException">The path is neither a checkpoint file nor a folder holding safetensors.</exception>
    public static string ModelIdOf(string checkpointPath) => $"pooled-hidden-states:{WeightsChecksum.Of(checkpointPath)[..16]}";

    /// <summary>Vector length: the model's hidden size.</summary>
    public int Dimensions => _model.Config.HiddenSize;

    /// <summary>Tokens per text embedded at most.</summary>
    public int MaxTokens { get; }

    /// <summary>Texts per forward pass.</summary>
    public int BatchSize { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="options"/> asks for another length than <see cref="Dimensions"/>.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is { } asked && asked != Dimensions)
            throw new ArgumentException($"this model's embeddings have {Dimensions} dimensions; {asked} were asked for.", nameof(options));
        var texts = values.Select(Tokenize).ToList();
        // Similar lengths share a batch, so little of each forward is spent on padding.
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => texts[i].Ids.Length).ToArray();
        var vectors = new float[texts.Count][];
        for (var from = 0; from < order.Length; from += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = order.AsSpan(from, Math.Min(BatchSize, order.Length - from)).ToArray();
            var pooled = EmbedBatch([.. batch.Select(i => texts[i].Ids)]);
            for (var j = 0; j < batch.Length; j++) vectors[batch[j]] = pooled[j];
        }
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count)
        {
            Usage = new UsageDetails { InputTokenCount = texts.Sum(t => (long)t.Ids.Length), TotalTokenCount = texts.Sum(t => (long)t.Ids.Length) },
        };
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < texts.Count; i++)
        {
            var properties = new AdditionalPropertiesDictionary { [TokensProperty] = texts[i].Ids.Length };
            if (texts[i].FullLength > texts[i].Ids.Length) properties[TruncatedFromProperty] = texts[i].FullLength;
            result.Add(new Embedding<float>(vectors[i]) { ModelId = ModelId, CreatedAt = now, AdditionalProperties = properties });
        }
        return Task.FromResult(result);
    }

    (int[] Ids, int FullLength) Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text, nameof(text));
        var ids = _tokenizer.Encode(text, addBos: true);
        if (ids.Length == 0) ids = [_tokenizer.EosId ?? 0]; // a model without BOS still needs one position for an empty text
        return (ids.Length > MaxTokens ? ids[..MaxTokens] : ids, ids.Length);
    }

    /// <summary>Unit mean-pooled final-norm states, one per row.</summary>
    float[][] EmbedBatch(IReadOnlyList<int[]> rows)
    {
        var length = rows.Max(r => r.Length);
        var ids = new long[rows.Count * length];        // padding id 0: any valid id will do, it is masked out
        var weights = new float[rows.Count * length];   // 1 for the tokens pooled over
        for (var b = 0; b < rows.Count; b++)
        {
            var skipBos = _tokenizer.AddsBos && rows[b].Length > 1 && rows[b][0] == _tokenizer.BosId ? 1 : 0;
            for (var t = 0; t < rows[b].Length; t++)
            {
                ids[b * length + t] = rows[b][t];
                weights[b * length + t] = t >= skipBos ? 1f : 0f;
            }
        }
        using var scope = NewDisposeScope();
        using var noGrad = inference_mode();
        var input = tensor(ids, [rows.Count, length], device: _model.Device);
        Tensor hidden;                                  // [B, T, hidden] float32
        lock (_forwardGate) hidden = _model.HiddenStates(input);
        var mask = tensor(weights, [rows.Count, length, 1], device: _model.Device);
        var pooled = hidden.mul(mask).sum(1).div(mask.sum(1));                          // [B, hidden] (methods, not operators: no temporary Scalars)
        var unit = nn.functional.normalize(pooled, p: 2, dim: 1).cpu().contiguous();   // [B, hidden]
        var flat = unit.data<float>().ToArray();
        return [.. Enumerable.Range(0, rows.Count).Select(b => flat.AsSpan(b * Dimensions, Dimensions).ToArray())];
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata)) return _metadata;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>The model belongs to its owner; nothing to release here.</summary>
    public void Dispose()
    {
    }
}
