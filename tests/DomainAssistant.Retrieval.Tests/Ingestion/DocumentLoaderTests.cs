using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Tests.Support;

namespace DomainAssistant.Retrieval.Tests.Ingestion;

public sealed class DocumentLoaderTests : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Reads_markdown_with_its_heading_as_title_and_a_portable_relative_id()
    {
        var path = _folder.Write(Path.Combine("guides", "backup.md"), "\uFEFFIntro line\r\n# Backup guide\r\n\r\nText.");

        var doc = await DocumentLoader.LoadAsync(path, "ops", _folder.Path);

        Assert.Equal(("guides/backup.md", "guides/backup.md", "ops", "Backup guide"), (doc.Id, doc.Path, doc.Domain, doc.Title));
        Assert.Equal("Intro line\n# Backup guide\n\nText.", doc.Text);
        Assert.Equal(16, doc.Version.Length);
    }

    [Fact]
    public async Task Reads_html_as_text_and_plain_text_with_the_file_name_as_title()
    {
        var html = await DocumentLoader.LoadAsync(_folder.Write("page.html", "<title>Page</title><p>Hello <b>world</b></p>"), "ops", _folder.Path);
        var txt = await DocumentLoader.LoadAsync(_folder.Write("notes.txt", "# not a title in plain text"), "ops", _folder.Path);

        Assert.Equal(("Page", "Hello world\n"), (html.Title, html.Text));
        Assert.Equal("notes", txt.Title);
    }

    [Fact]
    public async Task The_version_follows_the_content()
    {
        var path = _folder.Write("a.md", "one");
        var first = await DocumentLoader.LoadAsync(path, "ops", _folder.Path);
        var same = await DocumentLoader.LoadAsync(path, "ops", _folder.Path);
        File.WriteAllText(path, "two");
        var changed = await DocumentLoader.LoadAsync(path, "ops", _folder.Path);

        Assert.Equal(first.Version, same.Version);
        Assert.NotEqual(first.Version, changed.Version);
    }

    [Fact]
    public async Task Unsupported_types_and_non_utf8_files_are_refused_with_the_file_named()
    {
        var pdf = _folder.Write("manual.pdf", "%PDF-1.7");
        var latin1 = _folder.File("latin1.txt");
        await File.WriteAllBytesAsync(latin1, [0x63, 0x61, 0x66, 0xE9, 0x20, 0x21]);

        var unsupported = await Assert.ThrowsAsync<InvalidDataException>(() => DocumentLoader.LoadAsync(pdf, "ops", _folder.Path));
        var encoding = await Assert.ThrowsAsync<InvalidDataException>(() => DocumentLoader.LoadAsync(latin1, "ops", _folder.Path));

        Assert.Contains(pdf, unsupported.Message);
        Assert.Contains(".pdf", unsupported.Message);
        Assert.Contains(latin1, encoding.Message);
        Assert.Contains("UTF-8", encoding.Message);
    }

    [Fact]
    public void Finds_only_supported_files_in_path_order()
    {
        _folder.Write("b.md", "b");
        _folder.Write(Path.Combine("sub", "a.html"), "a");
        _folder.Write("c.pdf", "c");
        _folder.Write("d.TXT", "d");

        var files = DocumentLoader.FindFiles(_folder.Path).Select(f => Path.GetRelativePath(_folder.Path, f));

        Assert.Equal(["b.md", "d.TXT", Path.Combine("sub", "a.html")], files);
    }
}
