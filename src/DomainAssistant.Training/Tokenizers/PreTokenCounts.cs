using System.Text;

namespace DomainAssistant.Training.Tokenizers;

/// <summary>
/// How often each distinct pre-token piece occurs in a corpus. BPE counts pairs over these unique pieces weighted
/// by frequency, which is what makes training cost depend on the vocabulary of the corpus rather than its length.
/// </summary>
public sealed class PreTokenCounts
{
    readonly Dictionary<string, int> counts = new(StringComparer.Ordinal);

    /// <summary>Distinct pieces seen so far.</summary>
    public int DistinctCount => counts.Count;

    /// <summary>Splits <paramref name="text"/> with the GPT-2 pattern and counts each piece.</summary>
    public void Add(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var match in Gpt2PreTokenizer.Regex().EnumerateMatches(text))
        {
            var piece = text.AsSpan(match.Index, match.Length);
            lookup[piece] = lookup.TryGetValue(piece, out var count) ? checked(count + 1) : 1;
        }
    }

    /// <summary>Each piece as UTF-8 bytes with its count, in ordinal order of the pieces (so training is deterministic).</summary>
    public IEnumerable<(byte[] Bytes, int Count)> AsByteWords() =>
        counts.OrderBy(entry => entry.Key, StringComparer.Ordinal)
              .Select(entry => (Encoding.UTF8.GetBytes(entry.Key), entry.Value));
}
