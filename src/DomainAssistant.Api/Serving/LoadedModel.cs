using DomainAssistant.Contracts;
using System.Collections.Concurrent;
using DomainAssistant.Model;
using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Embeddings;
using DomainAssistant.Model.Generation;

namespace DomainAssistant.Api.Serving;

/// <summary>
/// The model being served: weights, tokenizer, resident adapters, the engine that batches their requests, and the
/// embedding generator over its base (which shares the engine's forward gate).
/// </summary>
public sealed class LoadedModel(string name, string basePath, PretrainedModel pretrained, GenerationEngine engine,
    IReadOnlyDictionary<string, AdapterInfo> adapters, string? defaultAdapter, HiddenStateEmbeddingGenerator embedder, EmbeddingModelFiles embeddingFiles)
    : IAsyncDisposable
{
    /// <summary>The model's name in responses and feedback lineage.</summary>
    public string Name { get; } = name;

    /// <summary>The base checkpoint it was loaded from (a folder or .bin): what a gate loads again beside it.</summary>
    public string BasePath { get; } = basePath;

    public PretrainedModel Pretrained { get; } = pretrained;

    public GenerationEngine Engine { get; } = engine;

    public TextGenerator Generator { get; } = new(engine, pretrained.Tokenizer, pretrained.StopTokens);

    readonly ConcurrentDictionary<string, AdapterInfo> _adapters = new(adapters, StringComparer.Ordinal);

    /// <summary>Resident adapters by name: the configured ones, then any an experiment brought in at run time.</summary>
    public IReadOnlyDictionary<string, AdapterInfo> Adapters => _adapters;

    /// <summary>
    /// Makes a PEFT folder resident under <paramref name="name"/> while the model serves: attached under the engine's
    /// forward gate, so no batch runs while the layers change.
    /// </summary>
    /// <param name="name">The name requests and flag variants use.</param>
    /// <param name="folder">The PEFT folder.</param>
    /// <param name="checksum">The SHA-256 the caller checked the file against before calling.</param>
    /// <exception cref="InvalidDataException">The adapter does not fit this base.</exception>
    public AdapterInfo AddAdapter(string name, string folder, string checksum)
    {
        lock (Engine.ForwardGate)
        {
            if (_adapters.TryGetValue(name, out var resident)) return resident;
            PeftAdapter.Load(folder, Pretrained.Model, name);
            var added = new AdapterInfo(name, Path.GetFullPath(folder), checksum);
            _adapters[name] = added;
            return added;
        }
    }

    /// <summary>The adapter served when no flag variant says otherwise; null = the base model.</summary>
    public string? DefaultAdapter { get; } = defaultAdapter;

    /// <summary>Pooled hidden states of the base weights; its model id carries their checksum.</summary>
    public HiddenStateEmbeddingGenerator Embedder { get; } = embedder;

    /// <summary>The files and settings <see cref="Embedder"/> was built from, for a host that builds the same one.</summary>
    public EmbeddingModelFiles EmbeddingFiles { get; } = embeddingFiles;

    /// <summary>Tokens per sequence, prompt and answer together.</summary>
    public int ContextLength => Engine.ContextLength;

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Pretrained.Dispose();
    }
}
