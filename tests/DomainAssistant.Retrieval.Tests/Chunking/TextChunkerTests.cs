using DomainAssistant.Retrieval.Chunking;
using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Tests.Support;

namespace DomainAssistant.Retrieval.Tests.Chunking;

public class TextChunkerTests
{
    static SourceDocument Doc(string text, string version = "v1") => new("guide.md", "ops", "docs/guide.md", "Ops guide", text, version);

    static TextChunker Chunker(int max, int overlap = 0) => new(WordTokens.Count, new ChunkingOptions { MaxTokens = max, OverlapTokens = overlap });

    static string Words(string prefix, int count, string end = "") =>
        string.Join(' ', Enumerable.Range(1, count).Select(i => $"{prefix}{i}")) + end;

    [Fact]
    public void Chunks_fit_the_token_limit_and_are_exact_slices_of_the_document()
    {
        var text = string.Join("\n\n", Enumerable.Range(1, 12).Select(p => Words($"p{p}w", 3 + p % 5, ".")));
        var doc = Doc(text);

        var chunks = Chunker(max: 10, overlap: 2).Split(doc);

        Assert.True(chunks.Count > 3);
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            Assert.True(WordTokens.Count(chunk.Text) <= 10, $"chunk {i} has {WordTokens.Count(chunk.Text)} tokens");
            Assert.Equal(text[chunk.Start..chunk.End], chunk.Text);
            Assert.Equal(i, chunk.Ordinal);
            Assert.Equal(("guide.md", "ops", "Ops guide", "docs/guide.md"), (chunk.DocumentId, chunk.Domain, chunk.Title, chunk.SourcePath));
        }
    }

    [Fact]
    public void Every_word_of_the_document_lands_in_some_chunk()
    {
        var text = "# Title\n\n" + string.Join("\n\n", Enumerable.Range(1, 9).Select(p => Words($"p{p}w", 7, ".")));
        var chunks = Chunker(max: 12, overlap: 3).Split(Doc(text));

        var covered = new bool[text.Length];
        foreach (var chunk in chunks)
            for (var i = chunk.Start; i < chunk.End; i++) covered[i] = true;
        for (var i = 0; i < text.Length; i++)
            Assert.True(covered[i] || char.IsWhiteSpace(text[i]), $"character {i} ('{text[i]}') is in no chunk");
    }

    [Fact]
    public void Cuts_between_paragraphs_when_paragraphs_fit()
    {
        var text = string.Join("\n\n", Enumerable.Range(1, 8).Select(p => Words($"p{p}w", 6, ".")));

        var chunks = Chunker(max: 14).Split(Doc(text));

        Assert.Equal(4, chunks.Count);
        foreach (var chunk in chunks)
        {
            Assert.True(chunk.End == text.Length || text[chunk.End..].StartsWith("\n\n", StringComparison.Ordinal), $"chunk ends mid-paragraph: '{chunk.Text}'");
            Assert.Equal(12, WordTokens.Count(chunk.Text));
        }
    }

    [Fact]
    public void Cuts_a_long_paragraph_between_sentences()
    {
        var text = string.Join(' ', Enumerable.Range(1, 6).Select(s => Words($"s{s}w", 5, "."))) + "\n\nA tail paragraph.";

        var chunks = Chunker(max: 12).Split(Doc(text));

        Assert.All(chunks, chunk => Assert.EndsWith(".", chunk.Text, StringComparison.Ordinal));
        Assert.Equal(["s1w1", "s3w1", "s5w1", "A"], chunks.Select(c => c.Text.Split(' ')[0]));
    }

    [Fact]
    public void Cuts_a_sentence_longer_than_the_limit_between_words()
    {
        var text = Words("w", 35);

        var chunks = Chunker(max: 10).Split(Doc(text));

        Assert.Equal(4, chunks.Count);
        var words = chunks.SelectMany(c => c.Text.Split(' ')).ToList();
        Assert.Equal(text.Split(' '), words);
        Assert.All(chunks, c => Assert.True(WordTokens.Count(c.Text) <= 10));
    }

    [Fact]
    public void Cuts_a_run_without_any_boundary_by_length()
    {
        var blob = new string('x', 100);
        var byFours = new TextChunker(t => (t.Length + 3) / 4, new ChunkingOptions { MaxTokens = 8, OverlapTokens = 0 });

        var chunks = byFours.Split(Doc(blob));

        Assert.Equal(blob, string.Concat(chunks.Select(c => c.Text)));
        Assert.All(chunks, c => Assert.True(c.Text.Length <= 32));
    }

    [Fact]
    public void Consecutive_chunks_share_at_most_the_overlap()
    {
        var text = Words("w", 40, ".");

        var chunks = Chunker(max: 10, overlap: 3).Split(Doc(text));

        Assert.True(chunks.Count >= 5);
        for (var i = 1; i < chunks.Count; i++)
        {
            var (previous, next) = (chunks[i - 1], chunks[i]);
            Assert.True(next.Start < previous.End, $"chunk {i} does not overlap the one before");
            Assert.True(next.Start > previous.Start);
            var shared = WordTokens.Count(text[next.Start..previous.End]);
            Assert.InRange(shared, 1, 3);
        }
        Assert.EndsWith("w40.", chunks[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Starts_a_section_on_a_fresh_chunk_rather_than_splitting_it_across_two()
    {
        // Section A (12 tokens) fits whole; section B (28) does not, so it is cut at paragraphs and its first
        // piece (8 tokens) would still fit after A. It starts a new chunk instead: A already fills over half of one.
        var text = $"## A\n\n{Words("a", 10, ".")}\n\n## B\n\n{Words("b", 6, ".")}\n\n{Words("c", 10, ".")}\n\n{Words("d", 10, ".")}";

        var chunks = Chunker(max: 20, overlap: 4).Split(Doc(text));

        Assert.StartsWith("## A", chunks[0].Text, StringComparison.Ordinal);
        Assert.EndsWith("a10.", chunks[0].Text, StringComparison.Ordinal);
        Assert.StartsWith("## B", chunks[1].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Random_markdown_keeps_every_invariant(int seed)
    {
        var random = new Random(seed);
        var blocks = new List<string>();
        for (var b = 0; b < 40; b++)
        {
            blocks.Add(random.Next(4) == 0
                ? new string('#', random.Next(1, 4)) + $" Heading {b}"
                : string.Join(' ', Enumerable.Range(0, random.Next(1, 5)).Select(s => Words($"b{b}s{s}w", random.Next(1, 12), "."))));
        }
        var text = string.Join("\n\n", blocks);
        var max = random.Next(8, 30);
        var chunks = Chunker(max, overlap: random.Next(0, max / 2 + 1)).Split(Doc(text));

        var layout = new MarkdownLayout(text);
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            Assert.Equal(text[chunk.Start..chunk.End], chunk.Text);
            Assert.True(WordTokens.Count(chunk.Text) <= max, $"seed {seed}: chunk {i} is over {max} tokens");
            var lastLineStart = chunk.Start + chunk.Text.LastIndexOf('\n') + 1;
            var isOnlyHeading = chunk.Text.IndexOf('\n') < 0 && layout.IsHeadingStart(chunk.Start);
            Assert.True(isOnlyHeading || !layout.IsHeadingStart(lastLineStart), $"seed {seed}: chunk {i} ends with a heading: '{chunk.Text}'");
            if (i > 0) Assert.True(chunk.Start > chunks[i - 1].Start && chunk.End > chunks[i - 1].End);
        }
        var lastWord = text.Split(' ', '\n')[^1];
        Assert.EndsWith(lastWord, chunks[^1].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public void Holds_the_limit_even_when_a_run_counts_more_than_its_pieces(int seed)
    {
        // A tokenizer whose count of a run exceeds the sum over its pieces: one extra token per 5 words.
        static int Superadditive(string text) => WordTokens.Count(text) + WordTokens.Count(text) / 5;
        var random = new Random(seed);
        var text = string.Join("\n\n", Enumerable.Range(0, 30).Select(p => Words($"p{p}w", random.Next(1, 9), ".")));
        var chunker = new TextChunker(Superadditive, new ChunkingOptions { MaxTokens = 16, OverlapTokens = 4 });

        var chunks = chunker.Split(Doc(text));

        Assert.All(chunks, c => Assert.True(Superadditive(c.Text) <= 16, $"'{c.Text}' has {Superadditive(c.Text)} tokens"));
        Assert.EndsWith(text.Split(' ')[^1], chunks[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_lines_inside_code_fences_are_not_headings()
    {
        var text = "Intro words here.\n\n```bash\n# install the tool\napt-get install tool\n```\n\n# Real heading\n\nBody.";
        var layout = new MarkdownLayout(text);

        Assert.False(layout.IsHeadingStart(text.IndexOf("# install", StringComparison.Ordinal)));
        Assert.True(layout.IsHeadingStart(text.IndexOf("# Real", StringComparison.Ordinal)));
    }

    [Fact]
    public void Chunk_ids_are_stable_and_change_with_the_version()
    {
        var text = string.Join("\n\n", Enumerable.Range(1, 5).Select(p => Words($"p{p}w", 6, ".")));

        var first = Chunker(max: 8).Split(Doc(text)).Select(c => c.Id).ToList();
        var again = Chunker(max: 8).Split(Doc(text)).Select(c => c.Id).ToList();
        var next = Chunker(max: 8).Split(Doc(text, version: "v2")).Select(c => c.Id).ToList();

        Assert.Equal(first, again);
        Assert.Equal(first.Count, first.Distinct().Count());
        Assert.Empty(first.Intersect(next));
        Assert.All(first, id => Assert.True(Guid.TryParse(id, out _)));
    }

    [Fact]
    public void A_blank_document_has_no_chunks()
    {
        Assert.Empty(Chunker(max: 8).Split(Doc("  \n\n \t\n")));
        Assert.Empty(Chunker(max: 8).Split(Doc("")));
    }

    [Fact]
    public void Refuses_an_overlap_of_more_than_half_a_chunk()
    {
        var error = Assert.Throws<ArgumentException>(() => Chunker(max: 10, overlap: 6));
        Assert.Contains("OverlapTokens", error.Message);
    }
}
