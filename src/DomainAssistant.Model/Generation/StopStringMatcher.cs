namespace DomainAssistant.Model.Generation;

/// <summary>
/// Streams text while watching for stop strings: text that could still turn into a stop string is held back
/// until it cannot, so a client never sees part of a stop string.
/// </summary>
public sealed class StopStringMatcher(IReadOnlyList<string> stopStrings)
{
    readonly System.Text.StringBuilder _pending = new();

    /// <summary>True once a stop string has been seen; nothing more is released after it.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds a decoded piece and returns the text that is now safe to release.</summary>
    public string Push(string piece)
    {
        if (Stopped) return "";
        _pending.Append(piece);
        var text = _pending.ToString();
        int stopAt = FirstStop(text);
        if (stopAt >= 0)
        {
            Stopped = true;
            _pending.Clear();
            return text[..stopAt];
        }
        int hold = LongestSuffixThatStartsAStop(text);
        _pending.Clear().Append(text, text.Length - hold, hold);
        return text[..^hold];
    }

    /// <summary>Releases whatever is held back when generation ends for another reason.</summary>
    public string Flush()
    {
        var rest = Stopped ? "" : _pending.ToString();
        _pending.Clear();
        return rest;
    }

    int FirstStop(string text)
    {
        int first = -1;
        foreach (var stop in stopStrings)
        {
            if (stop.Length == 0) continue;
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        return first;
    }

    int LongestSuffixThatStartsAStop(string text)
    {
        int longest = 0;
        foreach (var stop in stopStrings)
            for (int length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length))) { longest = length; break; }
        return longest;
    }
}
