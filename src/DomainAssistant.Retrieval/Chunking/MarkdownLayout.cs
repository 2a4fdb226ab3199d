namespace DomainAssistant.Retrieval.Chunking;

/// <summary>What a line of a document is, as far as splitting is concerned.</summary>
enum LineKind
{
    Blank,
    Text,
    Heading,
    /// <summary>Inside a fenced code block, fence lines included: never a heading, never a paragraph break.</summary>
    Code,
}

/// <summary>
/// The lines of a document classified just enough to split Markdown well: ATX headings (<c># Title</c>)
/// start sections, blank lines end paragraphs, and fenced code blocks stay out of both.
/// Plain text simply has no headings.
/// </summary>
sealed class MarkdownLayout
{
    readonly string _text;
    readonly int[] _lineStarts;
    readonly LineKind[] _kinds;

    public MarkdownLayout(string text)
    {
        _text = text;
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
            if (text[i] == '\n' && i + 1 < text.Length) starts.Add(i + 1);
        _lineStarts = [.. starts];
        _kinds = Classify();
    }

    public int LineCount => _lineStarts.Length;

    public int LineStart(int line) => _lineStarts[line];

    public LineKind Kind(int line) => _kinds[line];

    /// <summary>The line that holds character <paramref name="position"/>.</summary>
    public int LineOf(int position)
    {
        var index = Array.BinarySearch(_lineStarts, position);
        return index >= 0 ? index : ~index - 1;
    }

    /// <summary>Whether <paramref name="position"/> is the start of a heading line.</summary>
    public bool IsHeadingStart(int position)
    {
        var line = LineOf(position);
        return _kinds[line] == LineKind.Heading && _lineStarts[line] == position;
    }

    LineKind[] Classify()
    {
        var kinds = new LineKind[_lineStarts.Length];
        char? fence = null;
        for (var line = 0; line < kinds.Length; line++)
        {
            var content = LineContent(line);
            var fenceMarker = FenceMarker(content);
            if (fence is not null)
            {
                kinds[line] = LineKind.Code;
                if (fenceMarker == fence) fence = null;
            }
            else if (fenceMarker is not null)
            {
                kinds[line] = LineKind.Code;
                fence = fenceMarker;
            }
            else if (content.IsWhiteSpace()) kinds[line] = LineKind.Blank;
            else kinds[line] = IsAtxHeading(content) ? LineKind.Heading : LineKind.Text;
        }
        return kinds;
    }

    ReadOnlySpan<char> LineContent(int line)
    {
        var start = _lineStarts[line];
        var end = line + 1 < _lineStarts.Length ? _lineStarts[line + 1] : _text.Length;
        return _text.AsSpan(start, end - start).TrimEnd("\r\n");
    }

    /// <summary>'`' or '~' when the line opens or closes a fenced code block (up to 3 spaces, then 3 of them).</summary>
    static char? FenceMarker(ReadOnlySpan<char> line)
    {
        var body = SkipIndent(line);
        if (body.Length >= 3 && (body[0] == '`' || body[0] == '~') && body[1] == body[0] && body[2] == body[0])
            return body[0];
        return null;
    }

    /// <summary>Up to 3 spaces, 1 to 6 '#', then a space or the end of the line (CommonMark's ATX heading).</summary>
    static bool IsAtxHeading(ReadOnlySpan<char> line)
    {
        var body = SkipIndent(line);
        var hashes = 0;
        while (hashes < body.Length && body[hashes] == '#') hashes++;
        return hashes is >= 1 and <= 6 && (hashes == body.Length || body[hashes] is ' ' or '\t');
    }

    static ReadOnlySpan<char> SkipIndent(ReadOnlySpan<char> line)
    {
        var spaces = 0;
        while (spaces < 3 && spaces < line.Length && line[spaces] == ' ') spaces++;
        return line[spaces..];
    }
}
