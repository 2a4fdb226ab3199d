using DomainAssistant.Model;
using DomainAssistant.Model.Embeddings;
using DomainAssistant.Model.Generation;

namespace DomainAssistant.Api.Models;

/// <summary>
/// The model being served: weights, tokenizer, resident adapters, the engine that batches their requests, and the
/// embedding generator over its base (which shares the engine's forward gate).
/// </summary>
public sealed class LoadedModel(string name, string basePath, PretrainedModel pretrained, GenerationEngine engine,
    IReadOnlyDictionary<string, AdapterInfo> adapters, string? defaultAdapter, HiddenStateEmbeddingGenerator embedder) : IAsyncDisposable
{
    /// <summary>The model's name in responses and feedback lineage.</summary>
    public string Name { get; } = name;

    /// <summary>The base checkpoint it was loaded from (a folder or .bin): what a gate loads again beside it.</summary>
    public string BasePath { get; } = basePath;

    public PretrainedModel Pretrained { get; } = pretrained;

    public GenerationEngine Engine { get; } = engine;

    public TextGenerator Generator { get; } = new(engine, pretrained.Tokenizer, pretrained.StopTokens);

    /// <summary>Resident adapters by name.</summary>
    public IReadOnlyDictionary<string, AdapterInfo> Adapters { get; } = adapters;

    /// <summary>The adapter served when no flag variant says otherwise; null = the base model.</summary>
    public string? DefaultAdapter { get; } = defaultAdapter;

    /// <summary>Pooled hidden states of the base weights; its model id carries their checksum.</summary>
    public HiddenStateEmbeddingGenerator Embedder { get; } = embedder;

    /// <summary>Tokens per sequence, prompt and answer together.</summary>
    public int ContextLength => Engine.ContextLength;

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Pretrained.Dispose();
    }
}
