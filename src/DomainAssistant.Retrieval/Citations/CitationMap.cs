using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Retrieval.Citations;

/// <summary>
/// Numbers the retrieved chunks [1]..[n] for the prompt and maps the markers in the model's answer back to
/// them: "[2]", "[1][3]" and "[1, 3]" are all understood; numbers outside 1..n are reported, not trusted.
/// </summary>
public sealed partial class CitationMap
{
    readonly Chunk[] _chunks;

    /// <param name="chunks">The context chunks, in the order they will be numbered from 1.</param>
    public CitationMap(IEnumerable<Chunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        _chunks = [.. chunks];
    }

    /// <summary>Numbers retrieval results in their ranked order.</summary>
    public CitationMap(IEnumerable<RetrievedChunk> retrieved)
        : this((retrieved ?? throw new ArgumentNullException(nameof(retrieved))).Select(r => r.Chunk))
    {
    }

    /// <summary>The context chunks; chunk [n] is at index n - 1.</summary>
    public IReadOnlyList<Chunk> Chunks => _chunks;

    /// <summary>Chunk [<paramref name="number"/>], or null when there is no such number.</summary>
    public Chunk? Find(int number) => number >= 1 && number <= _chunks.Length ? _chunks[number - 1] : null;

    /// <summary>
    /// The context block for the prompt: each chunk under a header line "[n] title (path)", separated by blank lines.
    /// </summary>
    public string BuildContext()
    {
        var context = new StringBuilder();
        for (var i = 0; i < _chunks.Length; i++)
        {
            if (i > 0) context.Append("\n\n");
            var chunk = _chunks[i];
            context.Append(CultureInfo.InvariantCulture, $"[{i + 1}] {chunk.Title} ({chunk.SourcePath})\n").Append(chunk.Text.Trim());
        }
        return context.ToString();
    }

    /// <summary>The citations in <paramref name="answer"/>.</summary>
    public CitationResolution Resolve(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var cited = new List<Citation>();
        var unknown = new List<int>();
        var seen = new HashSet<int>();
        foreach (Match marker in Marker().Matches(answer))
        {
            foreach (var part in marker.Groups[1].Value.Split(','))
            {
                var number = int.Parse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
                if (!seen.Add(number)) continue;
                if (Find(number) is { } chunk) cited.Add(new Citation(number, chunk));
                else unknown.Add(number);
            }
        }
        return new CitationResolution(cited, unknown);
    }

    /// <summary>[n] or [n, m, ...] with numbers of at most 4 digits.</summary>
    [GeneratedRegex(@"\[(\d{1,4}(?:\s*,\s*\d{1,4})*)\]", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Marker();
}
