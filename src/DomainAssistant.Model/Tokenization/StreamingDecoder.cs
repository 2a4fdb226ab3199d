namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// Turns generated ids into text as they arrive. The pieces returned by <see cref="Add"/>, followed by
/// <see cref="Flush"/>, concatenate exactly to <see cref="ModelTokenizer.Decode"/> of all ids.
/// </summary>
/// <remarks>
/// Each step decodes a short window of recent ids and returns what the window gained over its already-emitted
/// head. The head always holds a text piece (or is the start of the stream), so SentencePiece's rule of dropping
/// the first word's leading space applies to the window exactly as it does to the whole stream. Text ending in
/// U+FFFD may be a UTF-8 character whose bytes (e.g. &lt;0xE2&gt; &lt;0x82&gt; &lt;0xAC&gt;) have not all arrived, so it is held
/// back until a complete character follows or <see cref="Flush"/> is called.
/// </remarks>
public sealed class StreamingDecoder
{
    const char Replacement = '\uFFFD';

    readonly ModelTokenizer _tokenizer;
    readonly List<int> _ids = [];
    int _windowStart;       // first id of the decoding window
    int _emittedEnd;        // ids before this index have been emitted
    string _headText = "";  // Decode(ids[_windowStart.._emittedEnd])
    int _emittedLength;     // characters emitted so far
    bool _fromStart;        // the window lost context once: decode from the first id from now on

    internal StreamingDecoder(ModelTokenizer tokenizer) => _tokenizer = tokenizer;

    /// <summary>Feeds one id and returns the text it completes (often empty: special tokens, partial characters).</summary>
    public string Add(int id)
    {
        _ids.Add(id);
        var windowText = DecodeWindow();
        return windowText.Length > 0 && windowText[^1] == Replacement ? "" : Commit(windowText);
    }

    /// <summary>Returns whatever is still held back (an unfinished character decodes as U+FFFD, as in Decode).</summary>
    public string Flush() => _emittedEnd == _ids.Count ? "" : Commit(DecodeWindow());

    string DecodeWindow() => _tokenizer.Decode(_ids.GetRange(_windowStart, _ids.Count - _windowStart));

    string Commit(string windowText)
    {
        string piece;
        if (_fromStart || !windowText.StartsWith(_headText, StringComparison.Ordinal))
        {
            // The window decoded its head differently from the stream (a tokenizer with more context than we
            // model); fall back to decoding everything, which is exact by definition.
            _fromStart = true;
            _windowStart = 0;
            var all = _tokenizer.Decode(_ids);
            piece = all.Length > _emittedLength ? all[_emittedLength..] : "";
        }
        else
        {
            piece = windowText[_headText.Length..];
        }
        _emittedLength += piece.Length;
        _emittedEnd = _ids.Count;
        SlideWindow(windowText);
        return piece;
    }

    void SlideWindow(string windowText)
    {
        if (_fromStart) return;
        // The new window starts at the last text piece, so its head keeps the context the next step needs.
        for (var i = _ids.Count - 1; i > _windowStart; i--)
        {
            if (!_tokenizer.IsTextPiece(_ids[i])) continue;
            _windowStart = i;
            _headText = _tokenizer.Decode(_ids.GetRange(i, _ids.Count - i));
            return;
        }
        // No text piece since the window start (a run of byte fallbacks or specials): the window grows.
        _headText = windowText;
    }
}
