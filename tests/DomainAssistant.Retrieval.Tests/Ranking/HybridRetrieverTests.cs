using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.Retrieval.Tests.Support;
using Microsoft.Extensions.AI;
using DomainAssistant.Retrieval.Vectors;

namespace DomainAssistant.Retrieval.Tests.Ranking;

public sealed class HybridRetrieverTests : IDisposable
{
    readonly EmbeddedRetrieval _stack = new();

    public void Dispose() => _stack.Dispose();

    [Theory]
    [InlineData(RetrievalMode.Lexical)]
    [InlineData(RetrievalMode.Dense)]
    [InlineData(RetrievalMode.Hybrid)]
    public async Task Every_mode_finds_the_document_about_the_question(RetrievalMode mode)
    {
        await _stack.Ingestor.IngestAsync(Corpus.All);

        var results = await _stack.Retriever.RetrieveAsync("how do I restore a database backup", Corpus.Domain, 3, mode);

        Assert.Equal("backups.md", results[0].Chunk.DocumentId);
        Assert.True(results.Count <= 3);
        Assert.True(results.Zip(results.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }

    [Fact]
    public async Task Single_list_modes_report_their_own_list_and_scores()
    {
        await _stack.Ingestor.IngestAsync(Corpus.All);

        var lexical = await _stack.Retriever.RetrieveAsync("certificate renewal", Corpus.Domain, 3, RetrievalMode.Lexical);
        var dense = await _stack.Retriever.RetrieveAsync("certificate renewal", Corpus.Domain, 3, RetrievalMode.Dense);

        Assert.All(lexical, r => Assert.Equal((RetrievalSources.Lexical, (int?)null), (r.Sources, r.DenseRank)));
        Assert.All(dense, r => Assert.Equal((RetrievalSources.Dense, (int?)null), (r.Sources, r.LexicalRank)));
        Assert.Equal(Enumerable.Range(1, lexical.Count).Select(i => (int?)i), lexical.Select(r => r.LexicalRank));
        Assert.All(dense, r => Assert.InRange(r.Score, -1.0, 1.0 + 1e-6));
    }

    [Fact]
    public async Task Hybrid_scores_are_the_reciprocal_rank_fusion_of_both_lists()
    {
        await _stack.Ingestor.IngestAsync(Corpus.All);

        var results = await _stack.Retriever.RetrieveAsync("workers scale with the job queue", Corpus.Domain, 5);

        Assert.Equal(RetrievalMode.Hybrid, _stack.Retriever.Mode);
        Assert.Contains(results, r => r.Sources == (RetrievalSources.Lexical | RetrievalSources.Dense));
        foreach (var r in results)
        {
            var expected = (r.LexicalRank is { } l ? 1.0 / (60 + l) : 0) + (r.DenseRank is { } d ? 1.0 / (60 + d) : 0);
            Assert.Equal(expected, r.Score, precision: 12);
            Assert.Equal(r.LexicalRank is not null, r.Sources.HasFlag(RetrievalSources.Lexical));
            Assert.Equal(r.DenseRank is not null, r.Sources.HasFlag(RetrievalSources.Dense));
        }
    }

    [Fact]
    public async Task Dense_search_finds_a_chunk_that_shares_no_whole_word_with_the_question()
    {
        var doc = Corpus.Doc("indexing.md", "Indexing", "Reindexing rebuilds every index from the stored snapshots.");
        await _stack.Ingestor.IngestAsync([doc, .. Corpus.All]);

        var lexical = await _stack.Retriever.RetrieveAsync("reindexed indexes", Corpus.Domain, 3, RetrievalMode.Lexical);
        var hybrid = await _stack.Retriever.RetrieveAsync("reindexed indexes", Corpus.Domain, 3, RetrievalMode.Hybrid);

        Assert.Empty(lexical);
        Assert.Equal(("indexing.md", RetrievalSources.Dense), (hybrid[0].Chunk.DocumentId, hybrid[0].Sources));
    }

    [Fact]
    public async Task Chunks_an_index_holds_but_the_catalog_does_not_are_skipped()
    {
        await _stack.Ingestor.IngestAsync(Corpus.All);
        var ghost = new Chunk(ChunkIds.For(Corpus.Domain, "ghost.md", "v1", 0), "ghost.md", Corpus.Domain, 0, "restore backup", 0, 14, "Ghost", "ghost.md");
        await _stack.Vectors.UpsertAsync([new ChunkVector(ghost, await _stack.Embedder.GenerateVectorAsync("restore a database backup"))]);

        var results = await _stack.Retriever.RetrieveAsync("restore a database backup", Corpus.Domain, 10, RetrievalMode.Dense);

        Assert.DoesNotContain(results, r => r.Chunk.Id == ghost.Id);
        Assert.Equal("backups.md", results[0].Chunk.DocumentId);
    }

    [Fact]
    public async Task A_blank_question_or_an_empty_domain_finds_nothing()
    {
        await _stack.Ingestor.IngestAsync(Corpus.All);

        Assert.Empty(await _stack.Retriever.RetrieveAsync("   ", Corpus.Domain, 5));
        Assert.Empty(await _stack.Retriever.RetrieveAsync("restore a backup", "empty-domain", 5));
    }
}
