using DomainAssistant.Retrieval.Ingestion;

namespace DomainAssistant.Retrieval.Tests.Ingestion;

public class HtmlTextTests
{
    [Fact]
    public void Keeps_visible_text_headings_and_paragraphs()
    {
        var (title, text) = HtmlText.Extract("""
            <!DOCTYPE html>
            <html><head><title>Restore &amp; recovery</title><meta charset="utf-8"></head>
            <body>
              <h1>Restoring</h1>
              <p>Stop the   service<br>then run <code>restore</code>.</p>
              <ul><li>first</li><li>second</li></ul>
            </body></html>
            """);

        Assert.Equal("Restore & recovery", title);
        Assert.Equal("# Restoring\n\nStop the service\nthen run restore.\n\n- first\n- second\n", text);
    }

    [Fact]
    public void Drops_scripts_styles_and_comments_with_their_content()
    {
        var (_, text) = HtmlText.Extract("""
            <p>Visible</p>
            <script type="text/javascript">var secret = "<p>not text</p>"; if (a < b) alert(1);</script>
            <STYLE>p { color: red }</STYLE>
            <!-- a comment with <p>markup</p> -->
            <noscript>enable js</noscript>
            <p>Also visible</p>
            """);

        Assert.Equal("Visible\n\nAlso visible\n", text);
    }

    [Fact]
    public void Decodes_entities_after_removing_tags_so_escaped_markup_stays_text()
    {
        var (_, text) = HtmlText.Extract("<p>Use &lt;script&gt; tags &quot;carefully&quot; &#8212; or not</p>");

        Assert.Equal("Use <script> tags \"carefully\" — or not\n", text);
    }

    [Fact]
    public void Survives_broken_markup()
    {
        Assert.Equal("a < b and c\n", HtmlText.Extract("<p>a < b and c").Text);
        Assert.Equal("before\n", HtmlText.Extract("<p>before</p><script>never closed <p>hidden").Text);
        Assert.Equal("link\n", HtmlText.Extract("<a href=\"x>y\" title='>'>link</a><p").Text);
        Assert.Equal("", HtmlText.Extract("<!-- unterminated comment <p>x</p>").Text);
    }

    [Fact]
    public void Falls_back_to_the_first_h1_for_a_title()
    {
        Assert.Equal("Main topic", HtmlText.Extract("<body><h1>Main <em>topic</em></h1><p>x</p></body>").Title);
        Assert.Null(HtmlText.Extract("<p>no title</p>").Title);
    }

    [Theory]
    [InlineData("<", 300_000)]
    [InlineData("< ", 150_000)]
    [InlineData("<a title=\"<<\" <<", 30_000)]
    [InlineData("<!-- ", 60_000)]
    [InlineData("<script>", 40_000)]
    public void Large_hostile_input_is_handled_in_linear_time(string unit, int repeats)
    {
        var hostile = string.Concat(Enumerable.Repeat(unit, repeats));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        HtmlText.Extract(hostile);

        // Quadratic work on 300,000 characters would take minutes.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }
}
