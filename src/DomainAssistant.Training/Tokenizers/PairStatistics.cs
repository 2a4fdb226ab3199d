namespace DomainAssistant.Training.Tokenizers;

/// <summary>
/// Frequency-weighted counts of adjacent symbol pairs over all words, which words hold each pair, and a priority
/// queue to find the most frequent pair. Counts are updated incrementally after each merge, touching only the
/// words that held the merged pair, instead of recounting the corpus.
/// </summary>
/// <remarks>
/// The queue is lazy: an entry whose count has changed since it was queued is re-queued with the current count
/// when it reaches the top. Ties go to the lower left id, then the lower right id (older tokens first; bytes in
/// byte order), so the same corpus always gives the same merges.
/// </remarks>
sealed class PairStatistics
{
    readonly Dictionary<long, long> counts = [];
    readonly Dictionary<long, HashSet<int>> wordsWithPair = [];
    readonly PriorityQueue<long, (long Count, long Key)> queue = new(MostFrequentFirst.Instance);
    readonly List<SymbolWord> words;

    public PairStatistics(List<SymbolWord> words)
    {
        this.words = words;
        for (var index = 0; index < words.Count; index++)
        {
            words[index].AddPairs(counts, words[index].Count);
            foreach (var key in words[index].Pairs()) IndexWord(key, index);
        }
        foreach (var (key, count) in counts) queue.Enqueue(key, (count, key));
    }

    /// <summary>The most frequent pair with at least <paramref name="minCount"/> occurrences, if any.</summary>
    public bool TryTakeMostFrequent(long minCount, out long pair, out long count)
    {
        while (queue.TryDequeue(out pair, out var queued))
        {
            count = counts.GetValueOrDefault(pair);
            if (count != queued.Count)
            {
                if (count > 0) queue.Enqueue(pair, (count, pair));
                continue;
            }
            return count >= minCount;
        }
        pair = 0;
        count = 0;
        return false;
    }

    /// <summary>Merges <paramref name="pair"/> into <paramref name="merged"/> in every word that holds it and updates the counts.</summary>
    public void Apply(long pair, int merged)
    {
        var (left, right) = SymbolWord.Unpack(pair);
        if (!wordsWithPair.Remove(pair, out var holders)) return;
        var changes = new Dictionary<long, long>();
        foreach (var index in holders)
        {
            var word = words[index];
            if (!word.Contains(left, right)) continue;
            word.AddPairs(changes, -word.Count);
            word.Merge(left, right, merged);
            word.AddPairs(changes, word.Count);
            foreach (var key in word.Pairs(merged)) IndexWord(key, index);
        }
        foreach (var (key, change) in changes)
        {
            if (change == 0) continue;
            var count = counts.GetValueOrDefault(key) + change;
            if (count == 0) counts.Remove(key);
            else counts[key] = count;
            if (change > 0) queue.Enqueue(key, (count, key));
        }
    }

    void IndexWord(long key, int index)
    {
        if (!wordsWithPair.TryGetValue(key, out var holders)) wordsWithPair[key] = holders = [];
        holders.Add(index);
    }

    sealed class MostFrequentFirst : IComparer<(long Count, long Key)>
    {
        public static readonly MostFrequentFirst Instance = new();

        public int Compare((long Count, long Key) x, (long Count, long Key) y) =>
            x.Count != y.Count ? y.Count.CompareTo(x.Count) : x.Key.CompareTo(y.Key);
    }
}
