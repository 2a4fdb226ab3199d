using DomainAssistant.Retrieval.Documents;

namespace DomainAssistant.Retrieval.Chunking;

/// <summary>
/// Cuts documents into token-limited chunks that overlap a little, preferring to cut between sections, then
/// paragraphs, then sentences, then words. Markdown headings stay with the text under them: a heading never
/// ends a chunk, and a new section starts a new chunk once the current one is at least half full.
/// </summary>
public sealed class TextChunker
{
    readonly Func<string, int> _countTokens;
    readonly int _maxTokens;
    readonly int _overlapTokens;

    /// <param name="countTokens">Tokens a text encodes to for the served model (see <see cref="ITokenCounter"/>).</param>
    /// <param name="options">Chunk size and overlap; validated here.</param>
    public TextChunker(Func<string, int> countTokens, ChunkingOptions options)
    {
        ArgumentNullException.ThrowIfNull(countTokens);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _countTokens = countTokens;
        _maxTokens = options.MaxTokens;
        _overlapTokens = options.OverlapTokens;
    }

    /// <summary>Chunks with the counter's <see cref="ITokenCounter.CountTokens"/>.</summary>
    public TextChunker(ITokenCounter counter, ChunkingOptions options)
        : this((counter ?? throw new ArgumentNullException(nameof(counter))).CountTokens, options)
    {
    }

    /// <summary>Most tokens in one chunk.</summary>
    public int MaxTokens => _maxTokens;

    /// <summary>Tokens repeated from the end of one chunk at the start of the next (within a section).</summary>
    public int OverlapTokens => _overlapTokens;

    /// <summary>The document's chunks in order; none for a blank document.</summary>
    public IReadOnlyList<Chunk> Split(SourceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var text = document.Text;
        var segmenter = new TextSegmenter(text, _countTokens, _maxTokens);
        var pieces = segmenter.Split();
        var chunks = new List<Chunk>();
        var first = 0;
        (int Start, int Tokens)? overlap = null;
        while (first < pieces.Count)
        {
            var (start, tokens) = overlap is { } o && o.Tokens + pieces[first].Tokens <= _maxTokens ? o : (pieces[first].Start, 0);
            var last = LastPieceOf(pieces, first, tokens);
            // Piece counts only add up approximately; the exact count of the chunk decides, shedding pieces (then the overlap).
            while (last > first && segmenter.Tokens(start, pieces[last].End) > _maxTokens) last--;
            if (start != pieces[first].Start && segmenter.Tokens(start, pieces[last].End) > _maxTokens) start = pieces[first].Start;
            var end = pieces[last].End;
            if (Trimmed(text, start, end) is { } span) chunks.Add(MakeChunk(document, chunks.Count, span.Start, span.End));
            first = last + 1;
            // Overlap carries a cut sentence across; a new section needs nothing from the one before.
            overlap = first < pieces.Count && _overlapTokens > 0 && !pieces[first].StartsSection
                ? OverlapStart(text, start, end)
                : null;
        }
        return chunks;
    }

    /// <summary>Greedily takes pieces while their summed tokens, after <paramref name="tokens"/> of overlap, fit.</summary>
    int LastPieceOf(List<TextPiece> pieces, int first, int tokens)
    {
        var last = first;
        tokens += pieces[first].Tokens;
        while (last + 1 < pieces.Count && tokens + pieces[last + 1].Tokens <= _maxTokens)
        {
            // A section that would straddle two chunks starts a fresh one instead, unless that wastes over half a chunk.
            if (pieces[last + 1].StartsSection && tokens * 2 >= _maxTokens) break;
            last++;
            tokens += pieces[last].Tokens;
        }
        // A heading belongs with the text under it, not at the end of the chunk before.
        while (last > first && pieces[last].IsHeading) last--;
        return last;
    }

    /// <summary>
    /// The earliest word start after <paramref name="chunkStart"/> whose tail up to <paramref name="chunkEnd"/>
    /// is at most the overlap, with that tail's tokens; null when even the last word is too long.
    /// </summary>
    (int Start, int Tokens)? OverlapStart(string text, int chunkStart, int chunkEnd)
    {
        (int, int)? best = null;
        for (var i = chunkEnd - 1; i > chunkStart; i--)
        {
            if (char.IsWhiteSpace(text[i]) || !char.IsWhiteSpace(text[i - 1])) continue;
            var tokens = _countTokens(text[i..chunkEnd]);
            if (tokens > _overlapTokens) break;
            best = (i, tokens);
        }
        return best;
    }

    static (int Start, int End)? Trimmed(string text, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start])) start++;
        while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
        return start < end ? (start, end) : null;
    }

    static Chunk MakeChunk(SourceDocument document, int ordinal, int start, int end) => new(
        ChunkIds.For(document.Domain, document.Id, document.Version, ordinal),
        document.Id,
        document.Domain,
        ordinal,
        document.Text[start..end],
        start,
        end,
        document.Title,
        document.Path);
}
