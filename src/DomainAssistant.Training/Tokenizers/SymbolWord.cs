namespace DomainAssistant.Training.Tokenizers;

/// <summary>One distinct pre-token piece during training: its current symbol ids and how often it occurs.</summary>
sealed class SymbolWord(int[] symbols, int count)
{
    int length = symbols.Length;

    public int Count { get; } = count;

    /// <summary>A pair of adjacent symbols packed into one key: left id in the high half, right id in the low half.</summary>
    public static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    public static (int Left, int Right) Unpack(long key) => ((int)(key >> 32), (int)key);

    /// <summary>Adds <paramref name="weight"/> to <paramref name="counts"/> for every adjacent pair in this word.</summary>
    public void AddPairs(Dictionary<long, long> counts, long weight)
    {
        for (var i = 0; i + 1 < length; i++)
        {
            var key = PairKey(symbols[i], symbols[i + 1]);
            counts[key] = counts.GetValueOrDefault(key) + weight;
        }
    }

    /// <summary>The adjacent pairs, left to right; the pairs that contain <paramref name="symbol"/> when it is given.</summary>
    public IEnumerable<long> Pairs(int? symbol = null)
    {
        for (var i = 0; i + 1 < length; i++)
        {
            if (symbol is null || symbols[i] == symbol || symbols[i + 1] == symbol) yield return PairKey(symbols[i], symbols[i + 1]);
        }
    }

    /// <summary>
    /// Replaces every occurrence of (left, right), scanning left to right without overlap as BPE encoding does,
    /// with <paramref name="merged"/>. Returns false when the pair no longer occurs (a stale index entry).
    /// </summary>
    public bool Merge(int left, int right, int merged)
    {
        var write = 0;
        var changed = false;
        for (var read = 0; read < length; read++)
        {
            if (read + 1 < length && symbols[read] == left && symbols[read + 1] == right)
            {
                symbols[write++] = merged;
                read++;
                changed = true;
            }
            else
            {
                symbols[write++] = symbols[read];
            }
        }
        length = write;
        return changed;
    }

    public bool Contains(int left, int right)
    {
        for (var i = 0; i + 1 < length; i++)
        {
            if (symbols[i] == left && symbols[i + 1] == right) return true;
        }
        return false;
    }
}
