using DomainAssistant.Retrieval.Citations;
using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.Retrieval.Tests.Support;

namespace DomainAssistant.Retrieval.Tests.Citations;

public class CitationMapTests
{
    static readonly Chunk Backup = Points.Chunk("ops", "backups.md", 0, "Backups run nightly.");
    static readonly Chunk Tls = Points.Chunk("ops", "tls.md", 0, "  Certificates renew automatically.\n");
    static readonly Chunk Scaling = Points.Chunk("ops", "scaling.md", 3, "Workers follow the queue.");

    static CitationMap Map() => new([Backup, Tls, Scaling]);

    [Fact]
    public void Builds_a_numbered_context_block_with_titles_and_paths()
    {
        var context = Map().BuildContext();

        Assert.Equal(
            "[1] Title backups.md (corpus/backups.md)\nBackups run nightly.\n\n" +
            "[2] Title tls.md (corpus/tls.md)\nCertificates renew automatically.\n\n" +
            "[3] Title scaling.md (corpus/scaling.md)\nWorkers follow the queue.",
            context);
    }

    [Fact]
    public void Maps_each_cited_number_to_its_chunk_and_source_once_in_order_of_appearance()
    {
        var resolution = Map().Resolve("Certificates renew themselves [2][1]. Backups run at night [1], and workers scale [3, 2].");

        Assert.Equal([2, 1, 3], resolution.Cited.Select(c => c.Number));
        Assert.Equal([Tls, Backup, Scaling], resolution.Cited.Select(c => c.Chunk));
        Assert.Equal(("corpus/tls.md", "Title tls.md"), (resolution.Cited[0].SourcePath, resolution.Cited[0].Title));
        Assert.Empty(resolution.Unknown);
    }

    [Fact]
    public void Reports_numbers_that_are_not_in_the_context()
    {
        var resolution = Map().Resolve("See [4] and [0], also [2] and [4] again, and [12, 3].");

        Assert.Equal([2, 3], resolution.Cited.Select(c => c.Number));
        Assert.Equal([4, 0, 12], resolution.Unknown);
    }

    [Fact]
    public void Ignores_brackets_that_are_not_citations()
    {
        var resolution = Map().Resolve("Arrays like a[i] or [x, 1] and links [docs](http://x) and [12345] are not citations.");

        Assert.Empty(resolution.Cited);
        Assert.Empty(resolution.Unknown);
    }

    [Fact]
    public void Numbers_retrieval_results_in_ranked_order()
    {
        RetrievedChunk[] retrieved = [new(Tls, 0.9, RetrievalSources.Dense, null, 1), new(Backup, 0.5, RetrievalSources.Lexical, 1, null)];

        var map = new CitationMap(retrieved);

        Assert.Equal(Tls, map.Find(1));
        Assert.Equal(Backup, map.Find(2));
        Assert.Null(map.Find(3));
        Assert.Equal("", new CitationMap(Array.Empty<Chunk>()).BuildContext());
    }
}
