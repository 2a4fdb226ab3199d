using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Tests.Support;

namespace DomainAssistant.Retrieval.Tests.Lexical;

public sealed class SqliteLexicalIndexTests : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    async Task<SqliteLexicalIndex> IndexWithCorpusAsync()
    {
        var index = new SqliteLexicalIndex(_folder.File("lexical.db"));
        var chunker = Corpus.Chunker();
        foreach (var doc in Corpus.All) await index.UpsertDocumentAsync(doc, chunker.Split(doc));
        return index;
    }

    [Theory]
    [InlineData("how do I restore a backup", "backups.md")]
    [InlineData("certificate renewal failed", "tls.md")]
    [InlineData("when do workers scale out", "scaling.md")]
    [InlineData("first day access for new engineers", "onboarding.md")]
    public async Task Ranks_the_document_about_the_question_first(string question, string expected)
    {
        var index = await IndexWithCorpusAsync();

        var hits = await index.SearchAsync(question, Corpus.Domain, k: 3);
        var chunks = await index.GetChunksAsync(hits.Select(h => h.ChunkId));

        Assert.NotEmpty(hits);
        Assert.Equal(expected, chunks[hits[0].ChunkId].DocumentId);
        Assert.True(hits.Zip(hits.Skip(1)).All(pair => pair.First.Score >= pair.Second.Score), "scores are not descending");
        Assert.True(hits[0].Score > 0);
    }

    [Fact]
    public async Task Searches_only_the_requested_domain()
    {
        var index = await IndexWithCorpusAsync();
        var other = Corpus.Doc("backups.md", "Backups elsewhere", "Backups of the billing system run hourly.", domain: "billing");
        await index.UpsertDocumentAsync(other, Corpus.Chunker().Split(other));

        var ops = await index.GetChunksAsync((await index.SearchAsync("backups", "ops", 10)).Select(h => h.ChunkId));
        var billing = await index.GetChunksAsync((await index.SearchAsync("backups", "billing", 10)).Select(h => h.ChunkId));

        Assert.All(ops.Values, c => Assert.Equal("ops", c.Domain));
        Assert.Equal("billing", Assert.Single(billing.Values).Domain);
        Assert.Empty(await index.SearchAsync("backups", "nowhere", 10));
    }

    [Fact]
    public async Task Upserting_a_document_again_replaces_its_chunks()
    {
        var index = await IndexWithCorpusAsync();
        var before = await index.CountChunksAsync(Corpus.Domain);
        var revised = Corpus.Backups with { Text = "# Backups\n\nSnapshots now run every hour.", Version = "v2" };

        await index.UpsertDocumentAsync(revised, Corpus.Chunker().Split(revised));

        var stale = await index.SearchAsync("nightly object storage restore", Corpus.Domain, 10);
        var staleChunks = await index.GetChunksAsync(stale.Select(h => h.ChunkId));
        Assert.DoesNotContain(staleChunks.Values, c => c.DocumentId == "backups.md");
        Assert.Equal("v2", await index.GetDocumentVersionAsync(Corpus.Domain, "backups.md"));
        Assert.Equal(before - Corpus.Chunker().Split(Corpus.Backups).Count + 1, await index.CountChunksAsync(Corpus.Domain));
        var hourly = await index.SearchAsync("snapshots hourly", Corpus.Domain, 1);
        Assert.Equal("backups.md", (await index.GetChunksAsync([hourly[0].ChunkId]))[hourly[0].ChunkId].DocumentId);
    }

    [Fact]
    public async Task Deleting_a_document_removes_it_from_search_and_catalog()
    {
        var index = await IndexWithCorpusAsync();

        await index.DeleteDocumentAsync(Corpus.Domain, "tls.md");

        Assert.Null(await index.GetDocumentVersionAsync(Corpus.Domain, "tls.md"));
        Assert.DoesNotContain("tls.md", await index.ListDocumentsAsync(Corpus.Domain));
        var hits = await index.SearchAsync("certificates renewed", Corpus.Domain, 10);
        Assert.DoesNotContain((await index.GetChunksAsync(hits.Select(h => h.ChunkId))).Values, c => c.DocumentId == "tls.md");
    }

    [Fact]
    public async Task The_index_survives_reopening_the_file()
    {
        await IndexWithCorpusAsync();

        var reopened = new SqliteLexicalIndex(_folder.File("lexical.db"));
        var hits = await reopened.SearchAsync("restore backup", Corpus.Domain, 1);
        var chunk = (await reopened.GetChunksAsync([hits[0].ChunkId]))[hits[0].ChunkId];

        Assert.Equal("backups.md", chunk.DocumentId);
        Assert.Equal("corpus/backups.md", chunk.SourcePath);
        Assert.Equal("Backups", chunk.Title);
        Assert.Equal(Corpus.Backups.Text[chunk.Start..chunk.End], chunk.Text);
        Assert.Equal(["backups.md", "onboarding.md", "scaling.md", "tls.md"], await reopened.ListDocumentsAsync(Corpus.Domain));
    }

    [Fact]
    public void A_file_that_is_not_an_index_is_refused_with_its_name()
    {
        var path = _folder.Write("lexical.db", "this is not an SQLite database, just text that is long enough to have a header");

        var error = Assert.Throws<InvalidDataException>(() => new SqliteLexicalIndex(path));

        Assert.Contains(path, error.Message);
    }
}
