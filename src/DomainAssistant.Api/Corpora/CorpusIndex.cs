using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Configuration;
using DomainAssistant.Api.Corpora;
using DomainAssistant.Api.Hosting;
using DomainAssistant.Grounding;
using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Api.Serving;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// Brings the retrieval index up to date with every domain's corpus folder at startup, in the background, and
/// reports its readiness on /health as "index"; then moves the dense leg to the loaded model's embeddings
/// (<see cref="RetrievalOptions.Embeddings"/> = Model) and reports that as "embeddings". Unchanged documents are
/// skipped, so a restart is quick.
/// </summary>
/// <remarks>
/// The index is first built with the model-free fallback embedder unless its vectors are already a model's: the
/// bootstrap model trains on retrieved context before any model exists. Once the model is loaded, every chunk is
/// re-embedded with it (<see cref="EmbeddingSwitch"/>) when the recorded space differs, which happens on the first
/// run and whenever the base weights change. A restart over a model's vectors waits for the model instead of
/// re-embedding twice, unless something needs retrieval before the model (<see cref="WhenReadyWithoutModelAsync"/>).
/// </remarks>
public sealed partial class CorpusIndex(DomainCatalog catalog, DomainCorpus corpus, DomainsOptions options, RetrievalOptions retrievalOptions,
    ActiveRetrieval retrieval, EmbeddingSwitch embeddingSwitch, IChunkCatalog chunks, IServiceProvider services, ILogger<CorpusIndex> logger)
    : BackgroundService, IRetrievalWarmup
{
    readonly TaskCompletionSource _neededBeforeModel = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The index's readiness: lexical index and vectors complete in the serving embedding space.</summary>
    public Warmup Warmup { get; } = new("index");

    /// <summary>Whether the vectors are those of the configured embedder (Retrieval:Embeddings).</summary>
    public Warmup Embeddings { get; } = new("embeddings");

    /// <summary>Resolved late: the model's source (the bootstrap) depends on this index.</summary>
    ModelHost Models => services.GetRequiredService<ModelHost>();

    /// <summary>For work that needs retrieval before the model exists (the bootstrap's grounded examples): the index stops waiting for the model.</summary>
    public Task WhenReadyWithoutModelAsync(CancellationToken cancellationToken)
    {
        _neededBeforeModel.TrySetResult();
        return Warmup.Ready.WaitAsync(cancellationToken);
    }

    /// <summary>Re-ingests one domain's corpus folder and newest uploaded version (documents gone from both are removed from the index).</summary>
    Task<IngestionReport> IngestAsync(DomainProfile domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var lastLogged = DateTime.MinValue;
        void Progress(IngestionProgress p)
        {
            Warmup.Report($"indexing {domain.Name}: {p.DocumentsDone}/{p.DocumentsTotal} documents, {p.ChunksDone} chunks");
            if (p.DocumentsDone == p.DocumentsTotal || DateTime.UtcNow - lastLogged > TimeSpan.FromSeconds(2))
            {
                lastLogged = DateTime.UtcNow;
                LogProgress(domain.Name, p.DocumentsDone, p.DocumentsTotal, p.ChunksDone);
            }
        }
        return corpus.IngestAsync(domain, Progress, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!await RunAsync(Warmup, () => BuildIndexAsync(stoppingToken), stoppingToken)) return;
        await RunAsync(Embeddings, () => AlignWithModelAsync(stoppingToken), stoppingToken);
    }

    async Task BuildIndexAsync(CancellationToken cancellationToken)
    {
        await embeddingSwitch.SwitchToAsync(await StartingStackAsync(cancellationToken), Warmup, cancellationToken);
        if (!options.IngestOnStartup) return;
        foreach (var domain in catalog.All.Values)
        {
            var report = await IngestAsync(domain, cancellationToken);
            LogIngested(domain.Name, report.DocumentsIngested, report.DocumentsUnchanged, report.DocumentsRemoved, report.ChunksWritten);
        }
    }

    /// <summary>The fallback stack, unless the index already holds a model's vectors: then that model's, once loaded.</summary>
    async Task<SpaceRetrieval> StartingStackAsync(CancellationToken cancellationToken)
    {
        var recorded = await chunks.GetEmbeddingSpaceAsync(cancellationToken);
        if (retrievalOptions.Embeddings == EmbeddingSource.Hashing || recorded is null || recorded == retrieval.Fallback.Space) return retrieval.Fallback;
        Warmup.Report($"waiting for the model to embed with (the index holds vectors of {recorded})");
        var model = Models.Warmup.Ready;
        await Task.WhenAny(model, _neededBeforeModel.Task).WaitAsync(cancellationToken);
        return model.IsCompletedSuccessfully ? ModelStack(Models.Current!) : retrieval.Fallback;
    }

    /// <summary>Moves the dense leg to the loaded model's embeddings (re-embedding when needed); nothing to do for Hashing.</summary>
    async Task AlignWithModelAsync(CancellationToken cancellationToken)
    {
        if (retrievalOptions.Embeddings == EmbeddingSource.Model)
        {
            Embeddings.Report("waiting for the model to embed with");
            LoadedModel model;
            try
            {
                model = await Models.WhenReadyAsync(cancellationToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The model part reports the failure; this part cannot become ready without a model.
                Embeddings.Report($"no model to embed with: {error.Message}");
                return;
            }
            var target = ModelStack(model);
            if (retrieval.Current.Space != target.Space) await embeddingSwitch.SwitchToAsync(target, Embeddings, cancellationToken);
        }
        Embeddings.MarkReady();
    }

    SpaceRetrieval ModelStack(LoadedModel model) =>
        retrieval.Build(model.Embedder, new EmbeddingSpace(model.Embedder.ModelId, model.Embedder.Dimensions));

    /// <summary>Runs one phase, marking <paramref name="part"/> failed when it throws; true when it ran through.</summary>
    async Task<bool> RunAsync(Warmup part, Func<Task> phase, CancellationToken stoppingToken)
    {
        try
        {
            await phase();
            if (part == Warmup) part.MarkReady();
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            part.MarkFailed(new OperationCanceledException($"the host stopped before the {part.Name} part was ready"));
        }
        catch (Exception error)
        {
            LogFailed(error, part.Name);
            part.MarkFailed(error);
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Indexing {Domain}: {Done}/{Total} documents, {Chunks} chunks written")]
    partial void LogProgress(string domain, int done, int total, int chunks);

    [LoggerMessage(Level = LogLevel.Information, Message = "Index of {Domain} is up to date: {Ingested} documents (re)indexed, {Unchanged} unchanged, {Removed} removed, {Chunks} chunks written")]
    partial void LogIngested(string domain, int ingested, int unchanged, int removed, int chunks);

    [LoggerMessage(Level = LogLevel.Error, Message = "Preparing the {Part} failed; /health reports the reason")]
    partial void LogFailed(Exception error, string part);
}
