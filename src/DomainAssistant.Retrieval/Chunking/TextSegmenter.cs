namespace DomainAssistant.Retrieval.Chunking;

/// <summary>
/// Cuts a document into pieces of at most the token limit, each cut at the most preferred boundary that works:
/// a span that fits stays whole; one that does not is cut at sections, then paragraphs, sentences, words, and
/// as a last resort (a single over-long token run) at the longest prefix that fits.
/// </summary>
sealed class TextSegmenter(string text, Func<string, int> countTokens, int maxTokens)
{
    readonly MarkdownLayout _layout = new(text);
    TextBoundaries? _boundaries;

    public int Tokens(int start, int end) => countTokens(text[start..end]);

    public List<TextPiece> Split()
    {
        var pieces = new List<TextPiece>();
        if (text.Length > 0) Split(0, text.Length, SplitLevel.Section, pieces);
        return pieces;
    }

    void Split(int start, int end, SplitLevel level, List<TextPiece> output)
    {
        var tokens = Tokens(start, end);
        if (tokens <= maxTokens)
        {
            output.Add(Piece(start, end, tokens));
            return;
        }
        var boundaries = _boundaries ??= new TextBoundaries(text, _layout);
        for (var next = level; next <= SplitLevel.Word; next++)
        {
            var cuts = boundaries.Find(next, start, end);
            if (cuts.Count == 0) continue;
            var from = start;
            foreach (var cut in cuts.Append(end))
            {
                Split(from, cut, next + 1, output);
                from = cut;
            }
            return;
        }
        SplitByLength(start, end, output);
    }

    TextPiece Piece(int start, int end, int tokens) =>
        new(start, end, tokens, StartsSection: _layout.IsHeadingStart(start), IsHeading: IsHeadingOnly(start, end));

    /// <summary>
    /// A run with no boundary at all (a long identifier, base64): the longest prefixes that fit, found by binary
    /// search over at most 32 characters per token, so a megabyte of base64 is not re-encoded whole at every step.
    /// </summary>
    void SplitByLength(int start, int end, List<TextPiece> output)
    {
        while (start < end)
        {
            int low = 1, high = (int)Math.Min(end - start, 32L * maxTokens);
            while (low < high)
            {
                var mid = (low + high + 1) / 2;
                if (Tokens(start, start + mid) <= maxTokens) low = mid;
                else high = mid - 1;
            }
            var length = low;
            // Never split a surrogate pair: the halves are not text.
            if (length < end - start && length > 1 && char.IsHighSurrogate(text[start + length - 1])) length--;
            output.Add(Piece(start, start + length, Tokens(start, start + length)));
            start += length;
        }
    }

    bool IsHeadingOnly(int start, int end)
    {
        if (!_layout.IsHeadingStart(start)) return false;
        var line = _layout.LineOf(start);
        var nextLine = line + 1 < _layout.LineCount ? _layout.LineStart(line + 1) : text.Length;
        return end <= nextLine || text.AsSpan(nextLine, end - nextLine).IsWhiteSpace();
    }
}
