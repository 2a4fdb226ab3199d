using static TorchSharp.torch;

namespace DomainAssistant.Alignment.Encoding;

/// <summary>
/// Sequences padded on the right into one batch, with what scoring needs: the last real position of each row (a
/// reward head reads it) and, per position, whether it predicts an answer token (a policy's log-probability sums them).
/// </summary>
public sealed class SequenceBatch : IDisposable
{
    public SequenceBatch(IReadOnlyList<ScoredSequence> sequences, int padId)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0) throw new ArgumentException("an empty batch.", nameof(sequences));
        Sequences = sequences;
        var (rows, length) = (sequences.Count, sequences.Max(s => s.Length));
        var ids = new long[rows * length];
        var mask = new float[rows * (length - 1)];
        var last = new long[rows];
        for (var r = 0; r < rows; r++)
        {
            var s = sequences[r];
            Array.Fill(ids, padId, r * length, length);
            for (var t = 0; t < s.Length; t++) ids[r * length + t] = s.Ids[t];
            // Position t predicts token t + 1: an answer token when t + 1 >= PromptLength.
            for (var t = Math.Max(0, s.PromptLength - 1); t < s.Length - 1; t++) mask[r * (length - 1) + t] = 1;
            last[r] = s.Length - 1;
        }
        Ids = tensor(ids, [rows, length]);
        Targets = Ids.narrow(1, 1, length - 1);
        ResponseMask = tensor(mask, [rows, length - 1]);
        LastIndex = tensor(last);
    }

    public IReadOnlyList<ScoredSequence> Sequences { get; }

    public int Rows => Sequences.Count;

    /// <summary>[B, T] int64, padded on the right.</summary>
    public Tensor Ids { get; }

    /// <summary>[B, T - 1] int64: the token each position predicts (Ids shifted left).</summary>
    public Tensor Targets { get; }

    /// <summary>[B, T - 1] float32: 1 where the position predicts an answer token.</summary>
    public Tensor ResponseMask { get; }

    /// <summary>[B] int64: index of each row's last real token.</summary>
    public Tensor LastIndex { get; }

    /// <summary>Answer tokens over the batch.</summary>
    public long ResponseTokens => Sequences.Sum(s => (long)s.ResponseLength);

    public void Dispose()
    {
        Targets.Dispose();
        Ids.Dispose();
        ResponseMask.Dispose();
        LastIndex.Dispose();
    }
}
