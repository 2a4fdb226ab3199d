using DomainAssistant.Model;
using DomainAssistant.Model.Generation;

namespace DomainAssistant.Api.Models;

/// <summary>The model being served: weights, tokenizer, resident adapters and the engine that batches their requests.</summary>
public sealed class LoadedModel(string name, PretrainedModel pretrained, GenerationEngine engine,
    IReadOnlyDictionary<string, AdapterInfo> adapters, string? defaultAdapter) : IAsyncDisposable
{
    /// <summary>The model's name in responses and feedback lineage.</summary>
    public string Name { get; } = name;

    public PretrainedModel Pretrained { get; } = pretrained;

    public GenerationEngine Engine { get; } = engine;

    public TextGenerator Generator { get; } = new(engine, pretrained.Tokenizer, pretrained.StopTokens);

    /// <summary>Resident adapters by name.</summary>
    public IReadOnlyDictionary<string, AdapterInfo> Adapters { get; } = adapters;

    /// <summary>The adapter served when no flag variant says otherwise; null = the base model.</summary>
    public string? DefaultAdapter { get; } = defaultAdapter;

    /// <summary>Tokens per sequence, prompt and answer together.</summary>
    public int ContextLength => Engine.ContextLength;

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Pretrained.Dispose();
    }
}
