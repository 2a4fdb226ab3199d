using System.Text;
using DomainAssistant.Training.Corpus;
using DomainAssistant.Training.Tests.Support;

namespace DomainAssistant.Training.Tests.Corpus;

public sealed class TextCorpusTests
{
    [Fact]
    public void Reads_txt_md_and_the_text_fields_of_jsonl_in_path_order()
    {
        using var folder = new TempFolder();
        folder.File("b.md", "# Returns\nWithin 30 days.");
        folder.File("a.txt", "Plain text.");
        folder.File("sub/c.jsonl", "{\"prompt\":\"Where is my order?\",\"response\":\"It shipped.\",\"id\":7}\n\n{\"question\":\"Refund?\",\"answer\":\"Yes.\"}\n");
        folder.File("ignored.csv", "not,corpus");

        var corpus = new TextCorpus(folder.Path);

        Assert.Equal(["Plain text.", "# Returns\nWithin 30 days.", "Where is my order?", "It shipped.", "Refund?", "Yes."], corpus.ReadDocuments());
        Assert.Equal(3, corpus.Files.Count);
        Assert.Equal(corpus.Files.Sum(file => new FileInfo(file).Length), corpus.TotalBytes);
    }

    [Fact]
    public void A_byte_order_mark_is_not_part_of_the_text()
    {
        using var folder = new TempFolder();
        folder.File("bom.txt", [.. Encoding.UTF8.Preamble, .. "héllo"u8.ToArray()]);

        Assert.Equal(["héllo"], new TextCorpus(folder.Path).ReadDocuments());
    }

    [Fact]
    public void Invalid_utf8_is_refused_naming_the_file_and_line()
    {
        using var folder = new TempFolder();
        folder.File("good.txt", "fine");
        var bad = folder.File("broken.txt", [.. "line one\nline two\nbad "u8.ToArray(), 0xC3, 0x28, .. " here\n"u8.ToArray()]);

        var error = Assert.Throws<InvalidDataException>(() => new TextCorpus(folder.Path).ReadDocuments().ToList());

        Assert.Contains(bad, error.Message);
        Assert.Contains("line 3", error.Message);
        Assert.Contains("0xC3", error.Message);
    }

    [Fact]
    public void Invalid_utf8_in_jsonl_names_the_line()
    {
        using var folder = new TempFolder();
        var bad = folder.File("chat.jsonl", [.. "{\"text\":\"ok\"}\n{\"text\":\""u8.ToArray(), 0xFF, .. "\"}\n"u8.ToArray()]);

        var error = Assert.Throws<InvalidDataException>(() => new TextCorpus(folder.Path).ReadDocuments().ToList());

        Assert.Contains(bad, error.Message);
        Assert.Contains("line 2", error.Message);
    }

    [Theory]
    [InlineData("{\"prompt\": \"unterminated", "not valid JSON")]
    [InlineData("[\"an\", \"array\"]", "expected a JSON object")]
    [InlineData("{\"id\": 1, \"label\": \"x\"}", "none of the text fields")]
    [InlineData("{\"prompt\": 42}", "field 'prompt' is Number")]
    [InlineData("{\"text\": \"x\\ud800y\"}", "field 'text' is not valid Unicode")]
    public void A_bad_jsonl_line_is_refused_naming_the_file_line_and_problem(string line, string problem)
    {
        using var folder = new TempFolder();
        var bad = folder.File("qa.jsonl", "{\"question\":\"q\",\"answer\":\"a\"}\n" + line + "\n");

        var error = Assert.Throws<InvalidDataException>(() => new TextCorpus(folder.Path).ReadDocuments().ToList());

        Assert.Contains($"'{bad}' line 2", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_missing_folder_or_one_without_corpus_files_is_refused()
    {
        using var folder = new TempFolder();
        folder.File("notes.csv", "a,b");

        Assert.Throws<DirectoryNotFoundException>(() => new TextCorpus(Path.Combine(folder.Path, "absent")));
        var error = Assert.Throws<InvalidDataException>(() => new TextCorpus(folder.Path));
        Assert.Contains(".txt, .md, .jsonl", error.Message);
    }
}
