using DomainAssistant.Contracts;
using DomainAssistant.Jobs.Corpora;
using DomainAssistant.Model;
using DomainAssistant.Model.Embeddings;
using DomainAssistant.Retrieval.Embeddings;
using Microsoft.Extensions.AI;
using static TorchSharp.torch;

namespace DomainAssistant.Worker.Corpora;

/// <summary>
/// The worker's <see cref="IServedEmbedders"/>. The worker serves no model, so for a job that re-embeds with the API's
/// it loads the served base from the files the job names (<see cref="EmbeddingModelFiles"/>) and builds the same
/// pooled-hidden-state embedder the API serves with (same weights, tokenizer, precision and cut, so the same model id
/// and vectors), then frees it when the job ends: re-embedding is rare, and a model held between jobs would take the
/// memory the other jobs train in. The model-free space is the retrieval library's registered generator, as in the API.
/// </summary>
public sealed partial class ServedModelFromFiles(IEmbeddingGenerator<string, Embedding<float>> registered, ILogger<ServedModelFromFiles> logger)
    : IServedEmbedders
{
    public async Task<T> EmbedAsync<T>(EmbeddingSpace space, EmbeddingModelFiles? model, Func<IEmbeddingGenerator<string, Embedding<float>>, Task<T>> embed,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(embed);
        if (model is null)
        {
            var own = await EmbeddingSpace.OfAsync(registered, cancellationToken);
            if (own != space)
                throw new InvalidOperationException($"the job names no model files to embed with {space}, and this worker's registered embedder is of {own}.");
            return await embed(registered);
        }
        using var pretrained = PretrainedModel.Load(model.Checkpoint, model.Tokenizer, DTypeOf(model.DType));
        var embedder = new HiddenStateEmbeddingGenerator(pretrained.Model, pretrained.Tokenizer, HiddenStateEmbeddingGenerator.ModelIdOf(model.Checkpoint),
            maxTokens: model.MaxTokens);
        var built = new EmbeddingSpace(embedder.ModelId, embedder.Dimensions);
        if (built != space)
            throw new InvalidOperationException($"the model files at {model.Checkpoint} embed with {built}, not {space}: they changed since the job was sent.");
        LogLoaded(model.Checkpoint, built);
        return await embed(embedder);
    }

    static ScalarType DTypeOf(string dtype) => dtype switch
    {
        "float32" => ScalarType.Float32,
        "bfloat16" => ScalarType.BFloat16,
        _ => throw new InvalidOperationException($"the job's model files name the dtype \"{dtype}\"; \"float32\" or \"bfloat16\" is expected."),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded the served base {Checkpoint} to embed with {Space}")]
    partial void LogLoaded(string checkpoint, EmbeddingSpace space);
}
