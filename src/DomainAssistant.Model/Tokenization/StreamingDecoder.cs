using System.Text;

namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// Turns generated ids into text as they arrive, never showing a broken character: the pieces returned by
/// <see cref="Add"/>, followed by <see cref="Flush"/>, concatenate to <see cref="ModelTokenizer.Decode"/> of all ids
/// less the U+FFFD that Decode puts for bytes that never form a character.
/// </summary>
/// <remarks>
/// Ids that stand for bytes (byte-level BPE tokens, SentencePiece byte fallbacks) first pass a
/// <see cref="BrokenUtf8Filter"/>: a token ending inside a UTF-8 character (" \xE2" of " €") is held until the character
/// completes; bytes the next id cannot continue (a lead byte followed by an ASCII word, stray continuation bytes, a
/// character still open when the stream ends) are dropped. Small models emit such sequences often, and Decode would
/// show each as U+FFFD. Each step then decodes a short window of recent ids and returns what the window gained over
/// its already-emitted head. The head always holds a text piece (or is the start of the stream), so SentencePiece's
/// rule of dropping the first word's leading space applies to the window exactly as it does to the whole stream.
/// Text ending in U+FFFD is still held back until something follows (for vocabularies whose bytes cannot be told).
/// For a tokenizer that cleans up tokenization spaces (<see cref="ModelTokenizer.CleansUpTokenizationSpaces"/>), the
/// windows work on the pieces' own text and the clean-up runs on what they release, which is held back from its last
/// space until three more characters follow (<see cref="TokenizationSpaceCleanup.SettledLength"/>): a space emitted at
/// once could turn out to stand before "." or "'s" and be one Decode of the whole removes. So " world" may show as
/// " world" only once "ld" has come, and the pieces still concatenate to Decode of all ids.
/// </remarks>
public sealed class StreamingDecoder
{
    const char Replacement = '\uFFFD';

    readonly ModelTokenizer _tokenizer;
    readonly BrokenUtf8Filter _filter;
    readonly List<int> _ready = [];  // ids the filter released, reused between steps
    readonly List<int> _ids = [];    // released ids: their bytes form whole characters
    int _windowStart;       // first id of the decoding window
    int _emittedEnd;        // ids before this index have been emitted
    string _headText = "";  // Decode(ids[_windowStart.._emittedEnd])
    int _emittedLength;     // characters emitted so far
    bool _fromStart;        // the window lost context once: decode from the first id from now on
    readonly StringBuilder _uncleaned = new(); // released text the space clean-up has not settled yet

    internal StreamingDecoder(ModelTokenizer tokenizer)
    {
        _tokenizer = tokenizer;
        _filter = new BrokenUtf8Filter(tokenizer.Bytes);
    }

    /// <summary>Feeds one id and returns the text it completes (often empty: special tokens, partial characters).</summary>
    public string Add(int id)
    {
        _filter.Add(id, EmptyReady());
        if (!TakeReleased()) return "";
        var windowText = DecodeWindow();
        return windowText.Length > 0 && windowText[^1] == Replacement ? "" : CleanUp(Commit(windowText), final: false);
    }

    /// <summary>Returns whatever is still held back; the bytes of a character that never completed are dropped.</summary>
    public string Flush()
    {
        _filter.Flush(EmptyReady());
        TakeReleased();
        return CleanUp(_emittedEnd == _ids.Count ? "" : Commit(DecodeWindow()), final: true);
    }

    /// <summary>
    /// Passes released text through the clean-up of tokenization spaces where the tokenizer has it, up to the point no
    /// later text can change (all of it at the end of the stream); clean-up of settled parts joins to clean-up of the whole.
    /// </summary>
    string CleanUp(string released, bool final)
    {
        if (!_tokenizer.CleansUpTokenizationSpaces) return released;
        _uncleaned.Append(released);
        var settled = final ? _uncleaned.Length : TokenizationSpaceCleanup.SettledLength(_uncleaned.ToString());
        if (settled == 0) return "";
        var piece = TokenizationSpaceCleanup.Apply(_uncleaned.ToString(0, settled));
        _uncleaned.Remove(0, settled);
        return piece;
    }

    /// <summary>The list the filter releases ids into, emptied of the last step's.</summary>
    List<int> EmptyReady()
    {
        _ready.Clear();
        return _ready;
    }

    /// <summary>Moves what the filter released into the decoding window; false when it released nothing.</summary>
    bool TakeReleased()
    {
        _ids.AddRange(_ready);
        return _ready.Count > 0;
    }

    string DecodeWindow() => _tokenizer.DecodePieces(_ids.GetRange(_windowStart, _ids.Count - _windowStart));

    string Commit(string windowText)
    {
        string piece;
        if (_fromStart || !windowText.StartsWith(_headText, StringComparison.Ordinal))
        {
            // The window decoded its head differently from the stream (a tokenizer with more context than we
            // model); fall back to decoding everything, which is exact by definition.
            _fromStart = true;
            _windowStart = 0;
            var all = _tokenizer.DecodePieces(_ids);
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
            _headText = _tokenizer.DecodePieces(_ids.GetRange(i, _ids.Count - i));
            return;
        }
        // No text piece since the window start (a run of byte fallbacks or specials): the window grows.
        _headText = windowText;
    }
}
