using System.Net;
using System.Text;

namespace DomainAssistant.Retrieval.Ingestion;

/// <summary>
/// Plain text from an HTML page, for indexing only (the output is never rendered as HTML). A single forward
/// scan, no regular expressions, so hostile input cannot make it backtrack: tags and comments are dropped;
/// script, style and other non-text elements are dropped with their content; block elements become line
/// breaks and h1-h6 become Markdown headings (so the chunker keeps sections together); entities are decoded.
/// </summary>
public static class HtmlText
{
    static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase)
        { "script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe", "object", "canvas", "select" };

    static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "blockquote", "pre", "table",
        "ul", "ol", "dl", "dt", "dd", "figure", "figcaption", "form", "fieldset", "address", "details", "summary", "hr",
    };

    /// <summary>The page's &lt;title&gt; (or null) and its visible text.</summary>
    public static (string? Title, string Text) Extract(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        return (ElementText(html, "title") ?? ElementText(html, "h1"), Strip(html));
    }

    static string Strip(string html)
    {
        var text = new StringBuilder(html.Length / 2);
        var i = 0;
        while (i < html.Length)
        {
            var open = html.IndexOf('<', i);
            var runEnd = open < 0 ? html.Length : open;
            AppendText(text, html.AsSpan(i, runEnd - i));
            if (open < 0) break;
            i = SkipMarkup(html, open, text);
        }
        return Tidy(text.ToString());
    }

    /// <summary>Handles the markup at <paramref name="open"/> ('&lt;') and returns where text resumes.</summary>
    static int SkipMarkup(string html, int open, StringBuilder text)
    {
        if (At(html, open, "<!--"))
        {
            var close = html.IndexOf("-->", open + 4, StringComparison.Ordinal);
            return close < 0 ? html.Length : close + 3;
        }
        var (name, closing) = TagName(html, open);
        if (name.Length == 0)
        {
            // A declaration ("<!DOCTYPE", "<?xml") is dropped; any other "<" ("a < b") is text. Only a tag or a
            // declaration is scanned to its '>': scanning for every stray '<' would make "<<<<..." quadratic.
            if (open + 1 < html.Length && html[open + 1] is '!' or '?') return TagEnd(html, open);
            text.Append('<');
            return open + 1;
        }
        var end = TagEnd(html, open);
        if (!closing && Dropped.Contains(name)) return SkipElement(html, end, name);
        if (name.Length == 2 && char.ToLowerInvariant(name[0]) == 'h' && name[1] is >= '1' and <= '6')
            text.Append(closing ? "\n\n" : "\n\n" + new string('#', name[1] - '0') + " ");
        else if (name.Equals("li", StringComparison.OrdinalIgnoreCase))
        {
            if (!closing) text.Append("\n- ");
        }
        else if (name.Equals("br", StringComparison.OrdinalIgnoreCase) || name.Equals("tr", StringComparison.OrdinalIgnoreCase)) text.Append('\n');
        else if (name.Equals("td", StringComparison.OrdinalIgnoreCase) || name.Equals("th", StringComparison.OrdinalIgnoreCase)) text.Append(' ');
        else if (Blocks.Contains(name)) text.Append("\n\n");
        return end;
    }

    static bool At(string html, int index, string value) => html.AsSpan(index).StartsWith(value, StringComparison.Ordinal);

    /// <summary>One past the tag's '&gt;', skipping quoted attribute values; the end of input when unterminated.</summary>
    static int TagEnd(string html, int open)
    {
        char? quote = null;
        for (var i = open + 1; i < html.Length; i++)
        {
            var c = html[i];
            if (quote is not null)
            {
                if (c == quote) quote = null;
            }
            else if (c is '"' or '\'') quote = c;
            else if (c == '>') return i + 1;
        }
        return html.Length;
    }

    static (string Name, bool Closing) TagName(string html, int open)
    {
        var end = html.Length;
        var i = open + 1;
        var closing = i < end && html[i] == '/';
        if (closing) i++;
        var start = i;
        while (i < end && (char.IsAsciiLetterOrDigit(html[i]) || html[i] == '-')) i++;
        // A tag name starts with a letter; "<3" or "< b" are text.
        return start < i && char.IsAsciiLetter(html[start]) ? (html[start..i], closing) : ("", closing);
    }

    /// <summary>Skips to after "&lt;/name ...&gt;" (the HTML rule that ends raw text such as scripts), or to the end.</summary>
    static int SkipElement(string html, int from, string name)
    {
        var close = html.IndexOf("</" + name, from, StringComparison.OrdinalIgnoreCase);
        return close < 0 ? html.Length : TagEnd(html, close);
    }

    /// <summary>The decoded text of the first &lt;name&gt; element, or null.</summary>
    static string? ElementText(string html, string name)
    {
        var open = html.IndexOf("<" + name, StringComparison.OrdinalIgnoreCase);
        if (open < 0) return null;
        var (tag, _) = TagName(html, open);
        if (!tag.Equals(name, StringComparison.OrdinalIgnoreCase)) return null;
        var start = TagEnd(html, open);
        var close = html.IndexOf("</" + name, start, StringComparison.OrdinalIgnoreCase);
        if (close < 0) return null;
        var inner = Strip(html[start..close]).Replace('\n', ' ').Trim();
        return inner.Length == 0 ? null : inner;
    }

    /// <summary>HTML collapses whitespace runs in text to one space; entities become their characters.</summary>
    static void AppendText(StringBuilder text, ReadOnlySpan<char> run)
    {
        if (run.IsEmpty) return;
        var decoded = WebUtility.HtmlDecode(run.ToString());
        foreach (var c in decoded)
        {
            if (!char.IsWhiteSpace(c)) text.Append(c);
            else if (text.Length > 0 && !char.IsWhiteSpace(text[^1])) text.Append(' ');
        }
    }

    /// <summary>Trims every line and keeps at most one blank line between paragraphs.</summary>
    static string Tidy(string text)
    {
        var lines = text.Split('\n').Select(line => line.Trim());
        var tidy = new StringBuilder(text.Length);
        var blank = 0;
        foreach (var line in lines)
        {
            blank = line.Length == 0 ? blank + 1 : 0;
            if (blank > 1 || (blank == 1 && tidy.Length == 0)) continue;
            tidy.Append(line).Append('\n');
        }
        return tidy.ToString().TrimEnd() + (tidy.Length > 0 ? "\n" : "");
    }
}
