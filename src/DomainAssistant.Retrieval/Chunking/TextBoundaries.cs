namespace DomainAssistant.Retrieval.Chunking;

/// <summary>
/// Finds the positions inside a span of a document where a new piece may begin, for each <see cref="SplitLevel"/>.
/// A boundary is always the first non-space character of the next piece, so whitespace trails the piece before.
/// </summary>
sealed class TextBoundaries(string text, MarkdownLayout layout)
{
    /// <summary>Boundaries strictly inside (<paramref name="start"/>, <paramref name="end"/>), ascending.</summary>
    public List<int> Find(SplitLevel level, int start, int end) => level switch
    {
        SplitLevel.Section => LineBoundaries(start, end, IsSectionStart),
        SplitLevel.Paragraph => LineBoundaries(start, end, IsParagraphStart),
        SplitLevel.Sentence => SentenceBoundaries(start, end),
        SplitLevel.Word => WordBoundaries(start, end),
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    bool IsSectionStart(int line) => layout.Kind(line) == LineKind.Heading;

    /// <summary>A heading, or the first non-blank line after a blank one unless a heading precedes the blank.</summary>
    bool IsParagraphStart(int line)
    {
        var kind = layout.Kind(line);
        if (kind == LineKind.Heading) return true;
        if (kind == LineKind.Blank || line == 0 || layout.Kind(line - 1) != LineKind.Blank) return false;
        var previous = line - 1;
        while (previous > 0 && layout.Kind(previous) == LineKind.Blank) previous--;
        return layout.Kind(previous) != LineKind.Heading;
    }

    List<int> LineBoundaries(int start, int end, Func<int, bool> startsPiece)
    {
        var cuts = new List<int>();
        for (var line = layout.LineOf(start) + 1; line < layout.LineCount && layout.LineStart(line) < end; line++)
        {
            if (!startsPiece(line)) continue;
            var position = SkipSpaces(layout.LineStart(line), end);
            if (position > start && position < end) cuts.Add(position);
        }
        return cuts;
    }

    List<int> SentenceBoundaries(int start, int end)
    {
        var cuts = new SortedSet<int>();
        foreach (var cut in LineBoundaries(start, end, line => layout.Kind(line) != LineKind.Blank))
            cuts.Add(cut);
        for (var i = start; i < end - 1; i++)
        {
            if (text[i] is not ('.' or '!' or '?')) continue;
            if (layout.Kind(layout.LineOf(i)) == LineKind.Code) continue;
            var after = i + 1;
            while (after < end && text[after] is '"' or '\'' or ')' or ']' or '»' or '”' or '’') after++;
            if (after >= end || !char.IsWhiteSpace(text[after])) continue;
            var next = SkipSpaces(after, end);
            if (next < end) cuts.Add(next);
        }
        return [.. cuts];
    }

    List<int> WordBoundaries(int start, int end)
    {
        var cuts = new List<int>();
        for (var i = start + 1; i < end; i++)
            if (!char.IsWhiteSpace(text[i]) && char.IsWhiteSpace(text[i - 1])) cuts.Add(i);
        return cuts;
    }

    int SkipSpaces(int position, int end)
    {
        while (position < end && char.IsWhiteSpace(text[position])) position++;
        return position;
    }
}
