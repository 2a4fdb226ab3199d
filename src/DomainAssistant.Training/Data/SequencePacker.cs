namespace DomainAssistant.Training.Data;

/// <summary>One row of a batch before padding: ids and which of them are trained.</summary>
public sealed record PackedRow(int[] Ids, bool[] Trained)
{
    public int Length => Ids.Length;
}

/// <summary>
/// Sequence packing: several short examples share one row of a fixed length, so a batch holds little padding.
/// </summary>
/// <remarks>
/// Examples are placed first-fit, in the order given (the trainer shuffles first), each kept whole in one row; a
/// conversation longer than a row is truncated (its tail is lost, and counted), a document longer than a row is cut
/// into row-sized pieces. Within a row, attention is causal over the whole row, so a later example can see earlier
/// ones, as with Hugging Face's packing without per-example masks; every example starts with its own BOS or turn
/// marker and rotary positions are relative, which keeps the effect small. Evaluation does not pack
/// (<see cref="OnePerRow"/>), so held-out losses are those of examples seen alone, as at inference.
/// </remarks>
public static class SequencePacker
{
    /// <summary>Packs examples into rows of at most <paramref name="rowLength"/> ids (= the training length + 1).</summary>
    /// <returns>The rows and how many conversations were truncated.</returns>
    public static (List<PackedRow> Rows, int Truncated) Pack(IEnumerable<TrainingExample> examples, int rowLength)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowLength, 2);
        var open = new List<(List<int> Ids, List<bool> Trained)>();
        var truncated = 0;
        foreach (var example in examples)
        {
            foreach (var (ids, trained) in Pieces(example, rowLength))
            {
                if (ids.Length < example.Length && !example.IsDocument) truncated++;
                var row = open.FindIndex(r => r.Ids.Count + ids.Length <= rowLength);
                if (row < 0)
                {
                    open.Add(([], []));
                    row = open.Count - 1;
                }
                open[row].Ids.AddRange(ids);
                open[row].Trained.AddRange(trained);
            }
        }
        return (open.Select(r => new PackedRow([.. r.Ids], [.. r.Trained])).ToList(), truncated);
    }

    /// <summary>One example per row, truncated to <paramref name="maxLength"/>: for evaluation.</summary>
    public static List<PackedRow> OnePerRow(IEnumerable<TrainingExample> examples, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return examples.SelectMany(e => e.IsDocument ? Pieces(e, maxLength) : [Truncate(e, maxLength)])
                       .Where(p => p.Ids.Length >= 2)
                       .Select(p => new PackedRow(p.Ids, p.Trained)).ToList();
    }

    /// <summary>
    /// Batches of up to <paramref name="batchRows"/> rows, each padded to its longest row with <paramref name="padId"/>:
    /// inputs are a row's ids but the last, targets the next id where it is trained (else ignored).
    /// </summary>
    public static IEnumerable<TokenBatch> Batches(IReadOnlyList<PackedRow> rows, int batchRows, int padId)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchRows);
        for (var first = 0; first < rows.Count; first += batchRows)
        {
            var batch = rows.Skip(first).Take(batchRows).ToList();
            var length = batch.Max(r => r.Length) - 1;
            var (inputs, targets) = (new long[batch.Count * length], new long[batch.Count * length]);
            Array.Fill(inputs, padId);
            Array.Fill(targets, TokenBatch.IgnoreIndex);
            for (var r = 0; r < batch.Count; r++)
            {
                var row = batch[r];
                for (var t = 0; t < row.Length - 1; t++)
                {
                    inputs[r * length + t] = row.Ids[t];
                    if (row.Trained[t + 1]) targets[r * length + t] = row.Ids[t + 1];
                }
            }
            yield return new TokenBatch(inputs, targets, batch.Count, length);
        }
    }

    static IEnumerable<(int[] Ids, bool[] Trained)> Pieces(TrainingExample example, int rowLength)
    {
        if (!example.IsDocument)
        {
            yield return Truncate(example, rowLength);
            yield break;
        }
        for (var start = 0; start < example.Length; start += rowLength)
        {
            var count = Math.Min(rowLength, example.Length - start);
            if (count >= 2) yield return (example.Ids[start..(start + count)], example.Trained[start..(start + count)]);
        }
    }

    static (int[] Ids, bool[] Trained) Truncate(TrainingExample example, int length) =>
        example.Length <= length ? (example.Ids, example.Trained) : (example.Ids[..length], example.Trained[..length]);
}
