using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Contracts;
using DomainAssistant.Jobs.Corpora;
using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Lexical;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Api.Tests.Corpora;

/// <summary>
/// The re-embedding handler on MassTransit's test harness, over an index built with the retrieval library's registered
/// (hashing) stack and a host whose one other embedder is a narrower hashing: what it publishes and what it leaves in
/// the target space's store and the catalog.
/// </summary>
public sealed class ReembedIndexConsumerTests : IAsyncDisposable
{
    const string Domain = "depots";

    /// <summary>Another space than the registered 256-dimensional one: the same hashing, half as wide.</summary>
    static readonly HashingEmbeddingGenerator Narrow = new(128);

    readonly TempFolder _folder = new();
    readonly ServiceProvider _provider;

    public ReembedIndexConsumerTests() =>
        _provider = HandlerHarness.Build(_folder.Combine("data"), port => port.AddSingleton<IServedEmbedders, OneEmbedder>(),
            handler => handler.AddConsumer<ReembedIndexConsumer, ReembedIndexConsumerDefinition>());

    static EmbeddingSpace NarrowSpace => new(HashingEmbeddingGenerator.ModelId, 128);

    [Fact]
    public async Task Embeds_every_chunk_into_the_target_space_reports_chunks_done_then_what_it_did_and_a_second_run_ends_the_same()
    {
        var chunks = await IndexAsync(documents: 3);
        var harness = _provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        var first = await RunAsync(NarrowSpace);
        Assert.Equal((HashingEmbeddingGenerator.ModelId, 128, 3, (int)chunks), (first.ModelId, first.Dimensions, first.Documents, first.Chunks));
        var stores = _provider.GetRequiredService<VectorStoresBySpace>();
        Assert.Equal(chunks, await stores.Open(NarrowSpace).CountAsync(null));
        Assert.Equal(NarrowSpace, await _provider.GetRequiredService<IChunkCatalog>().GetEmbeddingSpaceAsync());
        var notes = _provider.GetRequiredService<JobReportLog>().Notes(first.JobId);
        Assert.NotEmpty(notes);
        Assert.Equal((chunks, chunks, 1.0), (notes[^1].Step, notes[^1].Total, notes[^1].Fraction));
        Assert.StartsWith($"re-embedding: {chunks} of {chunks} chunks", notes[^1].Note, StringComparison.Ordinal);
        Assert.Equal(notes.Select(n => n.Step), notes.Select(n => n.Step).Order());

        // Delivered again (a redelivery, a restart): the store starts from empty and ends as complete, not doubled.
        var second = await RunAsync(NarrowSpace);
        Assert.Equal((first.Documents, first.Chunks), (second.Documents, second.Chunks));
        Assert.Equal(chunks, await stores.Open(NarrowSpace).CountAsync(null));
    }

    [Fact]
    public async Task A_space_the_host_has_no_embedder_of_fails_the_job_naming_it_and_leaves_the_index_alone()
    {
        await IndexAsync(documents: 2);
        var harness = _provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var catalog = _provider.GetRequiredService<IChunkCatalog>();
        var before = await catalog.GetEmbeddingSpaceAsync();

        var jobId = Guid.NewGuid();
        await harness.Bus.Publish(new ReembedIndex(jobId, "pooled-hidden-states:0123456789abcdef", 64, null));

        var failure = Assert.IsType<JobFailed>(await _provider.GetRequiredService<JobReportLog>().EndOfAsync(jobId));
        Assert.Contains("pooled-hidden-states:0123456789abcdef", failure.Error, StringComparison.Ordinal);
        Assert.Equal(before, await catalog.GetEmbeddingSpaceAsync());
    }

    /// <summary>Indexes <paramref name="documents"/> documents with the registered stack; the chunks written.</summary>
    async Task<long> IndexAsync(int documents)
    {
        var ingestor = _provider.GetRequiredService<CorpusIngestor>();
        var sources = Enumerable.Range(1, documents).Select(i => new SourceDocument($"depot-{i}.md", Domain, $"depot-{i}.md", $"Depot {i}",
            $"# Depot {i}\nDepot {i} lends compost bins on weekdays and takes garden waste on Saturdays.", "1")).ToList();
        await ingestor.IngestDomainAsync(Domain, sources);
        return await _provider.GetRequiredService<IChunkCatalog>().CountChunksAsync(null);
    }

    async Task<IndexReembedded> RunAsync(EmbeddingSpace space)
    {
        var jobId = Guid.NewGuid();
        await _provider.GetRequiredService<ITestHarness>().Bus.Publish(new ReembedIndex(jobId, space.ModelId, space.Dimensions, null));
        var end = await _provider.GetRequiredService<JobReportLog>().EndOfAsync(jobId);
        return end as IndexReembedded ?? throw new Xunit.Sdk.XunitException($"the job ended with {end}");
    }

    /// <summary>A host with one embedder, <see cref="Narrow"/>, refusing any other space as the API's <c>ServedEmbedders</c> does.</summary>
    sealed class OneEmbedder : IServedEmbedders
    {
        public Task<T> EmbedAsync<T>(EmbeddingSpace space, EmbeddingModelFiles? model, Func<IEmbeddingGenerator<string, Embedding<float>>, Task<T>> embed,
            CancellationToken cancellationToken) =>
            space == NarrowSpace ? embed(Narrow) : throw new InvalidOperationException($"this host has no embedder of {space}: it embeds with {NarrowSpace}.");
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        _folder.Dispose();
    }
}
