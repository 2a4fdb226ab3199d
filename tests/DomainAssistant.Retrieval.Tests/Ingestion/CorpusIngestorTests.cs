using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Tests.Support;
using Microsoft.Extensions.AI;

namespace DomainAssistant.Retrieval.Tests.Ingestion;

public sealed class CorpusIngestorTests : IDisposable
{
    readonly EmbeddedRetrieval _stack = new(maxTokens: 24, overlapTokens: 4);

    public void Dispose() => _stack.Dispose();

    async Task<HashSet<string>> VectorIdsAsync(string domain)
    {
        var hits = await _stack.Vectors.SearchAsync(await _stack.Embedder.GenerateVectorAsync("anything"), domain, k: 10_000);
        return hits.Select(h => h.ChunkId).ToHashSet();
    }

    async Task<HashSet<string>> LexicalIdsAsync(string domain, string query)
    {
        var hits = await _stack.Lexical.SearchAsync(query, domain, k: 10_000);
        return hits.Select(h => h.ChunkId).ToHashSet();
    }

    [Fact]
    public async Task Writes_every_chunk_to_both_indexes_and_reports_progress()
    {
        var progress = new List<IngestionProgress>();

        var report = await _stack.Ingestor.IngestAsync(Corpus.All, progress.Add);

        Assert.Equal(4, report.DocumentsIngested);
        Assert.True(report.ChunksWritten > 4, "the chunk limit should cut some documents");
        Assert.Equal(report.ChunksWritten, await _stack.Lexical.CountChunksAsync(Corpus.Domain));
        Assert.Equal(report.ChunksWritten, await _stack.Vectors.CountAsync(Corpus.Domain));
        Assert.Equal([1, 2, 3, 4], progress.Select(p => p.DocumentsDone));
        Assert.All(progress, p => Assert.Equal(4, p.DocumentsTotal));
        Assert.Equal(report.ChunksWritten, progress[^1].ChunksDone);
        Assert.Equal(Corpus.All.Select(d => d.Id), progress.Select(p => p.DocumentId));
        Assert.True(progress.Zip(progress.Skip(1)).All(p => p.First.ChunksDone < p.Second.ChunksDone));
    }

    [Fact]
    public async Task Ingesting_the_same_documents_again_changes_nothing()
    {
        await _stack.Ingestor.IngestAsync(Corpus.All);
        var vectorIds = await VectorIdsAsync(Corpus.Domain);

        var again = await _stack.Ingestor.IngestAsync(Corpus.All);

        Assert.Equal((0, 4, 0), (again.DocumentsIngested, again.DocumentsUnchanged, again.ChunksWritten));
        Assert.Equal(vectorIds, await VectorIdsAsync(Corpus.Domain));
    }

    [Fact]
    public async Task A_new_version_of_a_document_replaces_its_old_chunks_everywhere()
    {
        await _stack.Ingestor.IngestAsync(Corpus.All);
        var oldIds = (await _stack.Lexical.GetChunksAsync(await LexicalIdsAsync(Corpus.Domain, "backup restore snapshot database")))
            .Values.Where(c => c.DocumentId == "backups.md").Select(c => c.Id).ToHashSet();
        var otherCount = await _stack.Lexical.CountChunksAsync(Corpus.Domain) - oldIds.Count;
        var revised = Corpus.Backups with { Text = "# Backups\n\nSnapshots are taken hourly and kept for a year.", Version = "v2" };

        var report = await _stack.Ingestor.IngestAsync([revised]);

        Assert.NotEmpty(oldIds);
        Assert.Equal(1, report.DocumentsIngested);
        var vectorIds = await VectorIdsAsync(Corpus.Domain);
        var lexicalIds = await LexicalIdsAsync(Corpus.Domain, "backups snapshots hourly restore nightly");
        Assert.Empty(oldIds.Intersect(vectorIds));
        Assert.Empty(oldIds.Intersect(lexicalIds));
        Assert.Empty(await _stack.Lexical.GetChunksAsync(oldIds));
        Assert.Equal(otherCount + report.ChunksWritten, await _stack.Lexical.CountChunksAsync(Corpus.Domain));
        Assert.Equal(otherCount + report.ChunksWritten, await _stack.Vectors.CountAsync(Corpus.Domain));
        var top = await _stack.Retriever.RetrieveAsync("how often are snapshots taken", Corpus.Domain, 1);
        Assert.Contains("hourly", top[0].Chunk.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task New_chunk_settings_redo_documents_whose_content_did_not_change()
    {
        await _stack.Ingestor.IngestAsync(Corpus.All);
        var before = await _stack.Lexical.CountChunksAsync(Corpus.Domain);

        var report = await _stack.NewIngestor(maxTokens: 12, overlapTokens: 2).IngestAsync(Corpus.All);

        Assert.Equal(4, report.DocumentsIngested);
        Assert.True(report.ChunksWritten > before);
        Assert.Equal(report.ChunksWritten, await _stack.Lexical.CountChunksAsync(Corpus.Domain));
        Assert.Equal(report.ChunksWritten, await _stack.Vectors.CountAsync(Corpus.Domain));
    }

    [Fact]
    public async Task A_folder_is_ingested_and_files_removed_from_it_leave_the_index()
    {
        _stack.WriteCorpusFile("backups.md", Corpus.Backups.Text);
        _stack.WriteCorpusFile(Path.Combine("web", "tls.html"), "<title>TLS</title><h1>TLS</h1><p>Certificates renew 14 days before expiry.</p><script>x()</script>");
        var notes = _stack.WriteCorpusFile("notes.txt", "Scaling notes: workers follow the queue length.");
        _stack.WriteCorpusFile("ignored.pdf", "%PDF");

        var first = await _stack.Ingestor.IngestFolderAsync(_stack.CorpusFolder, "ops");
        File.Delete(notes);
        var second = await _stack.Ingestor.IngestFolderAsync(_stack.CorpusFolder, "ops", removeMissing: true);

        Assert.Equal(3, first.DocumentsIngested);
        Assert.Equal((0, 2, 1), (second.DocumentsIngested, second.DocumentsUnchanged, second.DocumentsRemoved));
        Assert.Equal(["backups.md", "web/tls.html"], await _stack.Lexical.ListDocumentsAsync("ops"));
        Assert.Equal(await _stack.Lexical.CountChunksAsync("ops"), await _stack.Vectors.CountAsync("ops"));
        var tls = await _stack.Retriever.RetrieveAsync("certificates expiry", "ops", 1);
        Assert.Equal(("TLS", "web/tls.html"), (tls[0].Chunk.Title, tls[0].Chunk.SourcePath));
        Assert.DoesNotContain("x()", tls[0].Chunk.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingesting_a_domain_brings_it_to_exactly_the_documents_given_and_refuses_another_domain_s()
    {
        await _stack.Ingestor.IngestAsync(Corpus.All);

        var report = await _stack.Ingestor.IngestDomainAsync(Corpus.Domain, [Corpus.Backups, Corpus.Scaling]);
        var stranger = Corpus.Doc("billing.md", "Billing", "Invoices go out monthly.", domain: "billing");
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => _stack.Ingestor.IngestDomainAsync(Corpus.Domain, [Corpus.Backups, stranger]));

        Assert.Equal((0, 2, 2), (report.DocumentsIngested, report.DocumentsUnchanged, report.DocumentsRemoved));
        Assert.Equal(["backups.md", "scaling.md"], await _stack.Lexical.ListDocumentsAsync(Corpus.Domain));
        Assert.Contains("belongs to domain 'billing'", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await _stack.Lexical.ListDocumentsAsync("billing"));
    }
}
