using DomainAssistant.Api.Chat;
using DomainAssistant.Retrieval.Citations;
using DomainAssistant.Retrieval.Documents;

namespace DomainAssistant.Api.Tests.Chat;

/// <summary>An answer cites the chunks its markers name, not everything the prompt held; made-up numbers are dropped and counted.</summary>
public sealed class AnswerCitationsTests
{
    /// <summary>Four chunks in the prompt, numbered [1]..[4].</summary>
    static readonly CitationMap Context = new(Enumerable.Range(1, 4).Select(n =>
        new Chunk($"chunk-{n}", $"doc-{n}", "fernbrook-recycling", 0, $"text {n}", 0, 6, $"Title {n}", $"doc-{n}.md")));

    [Fact]
    public void Only_the_chunks_the_markers_name_are_cited_in_order_of_first_mention()
    {
        var citations = AnswerCitations.Of(Context, "Blue bins go out on Tuesday [3]. Glass goes in the box [1, 3][2].");

        Assert.Equal([(3, "chunk-3", "doc-3.md", "Title 3"), (1, "chunk-1", "doc-1.md", "Title 1"), (2, "chunk-2", "doc-2.md", "Title 2")],
            citations.Cited.Select(c => (c.N, c.ChunkId, c.Source, c.Title)));
        Assert.False(citations.Uncited);
        Assert.Equal(0, citations.DroppedMarkers);
    }

    [Fact]
    public void An_answer_without_markers_cites_nothing_and_says_so()
    {
        var citations = AnswerCitations.Of(Context, "Blue bins go out on Tuesday.");

        Assert.Empty(citations.Cited);
        Assert.True(citations.Uncited);
        Assert.Equal(0, citations.DroppedMarkers);
    }

    [Fact]
    public void Numbers_that_name_no_chunk_are_dropped_and_counted_once_each()
    {
        var cited = AnswerCitations.Of(Context, "Tuesday [2][7]; glass [7, 9].");
        var madeUp = AnswerCitations.Of(Context, "Tuesday [5].");

        Assert.Equal([2], cited.Cited.Select(c => c.N));
        Assert.Equal(2, cited.DroppedMarkers);
        Assert.False(cited.Uncited);
        Assert.Empty(madeUp.Cited);
        Assert.Equal(1, madeUp.DroppedMarkers);
        Assert.True(madeUp.Uncited);
    }
}
