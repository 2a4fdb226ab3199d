using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.Retrieval.Tests.Support;
using Microsoft.Extensions.AI;

namespace DomainAssistant.Retrieval.Tests.Ingestion;

public sealed class CorpusReembedderTests : IDisposable
{
    readonly EmbeddedRetrieval _stack = new(maxTokens: 24, overlapTokens: 4);
    readonly TempFolder _folder = new();

    public void Dispose()
    {
        _stack.Dispose();
        _folder.Dispose();
    }

    VectorStoresBySpace Stores() => new(new RetrievalOptions { DataDirectory = _folder.Path });

    [Fact]
    public async Task The_first_ingestion_records_the_embedding_space_of_the_index()
    {
        Assert.Null(await _stack.Lexical.GetEmbeddingSpaceAsync());

        await _stack.Ingestor.IngestAsync(Corpus.All);

        Assert.Equal(new EmbeddingSpace(HashingEmbeddingGenerator.ModelId, 256), await _stack.Lexical.GetEmbeddingSpaceAsync());
    }

    [Fact]
    public async Task An_ingestor_with_another_model_refuses_to_write_into_the_index()
    {
        await _stack.Ingestor.IngestAsync(Corpus.All);
        var chunks = await _stack.Lexical.CountChunksAsync(Corpus.Domain);
        var ingestor = new CorpusIngestor(Corpus.Chunker(24, 4), new RenamedGenerator(new HashingEmbeddingGenerator(256), "another-model"),
            _stack.Lexical, _stack.Lexical, _stack.Vectors);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ingestor.IngestAsync([Corpus.Doc("new.md", "New", "A new page about alerts.")]));

        Assert.Contains(HashingEmbeddingGenerator.ModelId, error.Message, StringComparison.Ordinal);
        Assert.Contains("another-model", error.Message, StringComparison.Ordinal);
        Assert.Equal(chunks, await _stack.Lexical.CountChunksAsync(Corpus.Domain));
        Assert.Equal(chunks, await _stack.Vectors.CountAsync(Corpus.Domain));
    }

    [Fact]
    public async Task Re_embedding_moves_every_chunk_to_the_new_space_and_keeps_the_lexical_index()
    {
        await _stack.Ingestor.IngestAsync(Corpus.All);
        var chunks = await _stack.Lexical.CountChunksAsync(null);
        var lexicalBefore = await _stack.Lexical.SearchAsync("restore backup", Corpus.Domain, 10);
        using var wider = new HashingEmbeddingGenerator(128);   // another space: same model id, other length
        var stores = Stores();
        var space = new EmbeddingSpace(HashingEmbeddingGenerator.ModelId, 128);
        var progress = new List<ReembeddingProgress>();

        var report = await new CorpusReembedder(_stack.Lexical, embeddingBatchSize: 2).ReembedAsync(wider, stores.Open(space), progress.Add);

        Assert.Equal((space, 4, (int)chunks), (report.Space, report.Documents, report.Chunks));
        Assert.Equal(chunks, await stores.Open(space).CountAsync(null));
        Assert.Equal(space, await _stack.Lexical.GetEmbeddingSpaceAsync());
        Assert.Equal(chunks, progress[^1].ChunksDone);
        Assert.All(progress, p => Assert.Equal(chunks, p.ChunksTotal));
        Assert.Equal(lexicalBefore, await _stack.Lexical.SearchAsync("restore backup", Corpus.Domain, 10));
        var dense = await new HybridRetriever(_stack.Lexical, stores.Open(space), wider, _stack.Lexical)
            .RetrieveAsync("how do I restore a backup", Corpus.Domain, 1, RetrievalMode.Dense);
        Assert.Equal("backups.md", dense[0].Chunk.DocumentId);
        // The old ingestor now meets an index of another space and refuses, instead of mixing its vectors in.
        await Assert.ThrowsAsync<InvalidOperationException>(() => _stack.Ingestor.IngestAsync([Corpus.Doc("new.md", "New", "Alerts.")]));
    }

    [Fact]
    public void Each_space_gets_its_own_store()
    {
        var stores = Stores();
        var a = new EmbeddingSpace("model-a", 64);
        var b = new EmbeddingSpace("model-a", 32);

        Assert.Same(stores.Open(a), stores.Open(a));
        Assert.NotSame(stores.Open(a), stores.Open(b));
        Assert.NotEqual(stores.FolderOf(a), stores.FolderOf(b));
        Assert.NotEqual(new EmbeddingSpace("model/a", 64).Key, new EmbeddingSpace("model_a", 64).Key);
    }

    /// <summary>The hashing embedder under another model id: a generator of another space with the same vectors.</summary>
    sealed class RenamedGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, string modelId) : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        public override object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingGeneratorMetadata) && serviceKey is null
                ? new EmbeddingGeneratorMetadata("test", null, modelId, 256)
                : base.GetService(serviceType, serviceKey);
    }
}
