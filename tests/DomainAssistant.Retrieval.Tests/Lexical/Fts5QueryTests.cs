using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Tests.Support;

namespace DomainAssistant.Retrieval.Tests.Lexical;

public sealed class Fts5QueryTests : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Quotes_each_word_and_ORs_them()
    {
        Assert.Equal("\"restore\" OR \"backup\"", Fts5Query.FromUserText("restore  backup?"));
    }

    [Fact]
    public void Operators_columns_prefixes_and_quotes_become_plain_words()
    {
        var query = Fts5Query.FromUserText("title:secret AND (NOT \"x\" OR y*) NEAR(a b) ^start");

        Assert.Equal("\"title\" OR \"secret\" OR \"AND\" OR \"NOT\" OR \"x\" OR \"OR\" OR \"y\" OR \"NEAR\" OR \"a\" OR \"b\" OR \"start\"", query);
    }

    [Fact]
    public void Text_without_words_gives_no_query()
    {
        Assert.Null(Fts5Query.FromUserText(" \"*\" () ^ : - + "));
    }

    [Fact]
    public void Inner_quotes_are_doubled()
    {
        Assert.Equal("\"a\"\"b\"", Fts5Query.Quote("a\"b"));
    }

    [Theory]
    [InlineData("\"unbalanced quote")]
    [InlineData("backup)")]
    [InlineData("NOT backup")]
    [InlineData("backup AND OR NOT")]
    [InlineData("text:backup")]
    [InlineData("backup*")]
    [InlineData("NEAR(backup restore, 2)")]
    [InlineData("'; DROP TABLE chunks; --")]
    [InlineData("{title text}: backup")]
    public async Task Query_syntax_in_user_text_never_breaks_or_steers_the_search(string question)
    {
        var index = new SqliteLexicalIndex(_folder.File("lexical.db"));
        foreach (var doc in Corpus.All) await index.UpsertDocumentAsync(doc, Corpus.Chunker().Split(doc));

        var hits = await index.SearchAsync(question, Corpus.Domain, 5);

        Assert.Equal(4, (await index.ListDocumentsAsync(Corpus.Domain)).Count);
        if (question.Contains("backup", StringComparison.Ordinal))
            Assert.Equal("backups.md", (await index.GetChunksAsync([hits[0].ChunkId]))[hits[0].ChunkId].DocumentId);
    }

    [Fact]
    public async Task Operator_words_are_searched_as_words()
    {
        var index = new SqliteLexicalIndex(_folder.File("lexical.db"));
        var doc = Corpus.Doc("logic.md", "Logic", "Use NOT gates and NEAR field readers.");
        var other = Corpus.Doc("other.md", "Other", "Nothing relevant here at all.");
        await index.UpsertDocumentAsync(doc, Corpus.Chunker().Split(doc));
        await index.UpsertDocumentAsync(other, Corpus.Chunker().Split(other));

        var hits = await index.SearchAsync("NOT NEAR", Corpus.Domain, 5);

        Assert.Equal("logic.md", (await index.GetChunksAsync([Assert.Single(hits).ChunkId])).Values.Single().DocumentId);
    }
}
