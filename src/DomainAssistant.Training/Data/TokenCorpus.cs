namespace DomainAssistant.Training.Data;

/// <summary>
/// Pretraining text as one stream of token ids (documents joined, each opened by the BOS/document-separator token),
/// from which batches are cut: random windows for training, consecutive windows for evaluation.
/// </summary>
public sealed class TokenCorpus
{
    readonly int[] _tokens;

    public TokenCorpus(int[] tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _tokens = tokens;
    }

    public int Length => _tokens.Length;

    /// <summary>
    /// Splits the stream into chunks of <paramref name="chunk"/> tokens and sends every <paramref name="every"/>-th
    /// chunk (from the middle of the first group on) to the held-out stream, so held-out text comes from all over the
    /// corpus, not from one topic at its end.
    /// </summary>
    public (TokenCorpus Train, TokenCorpus HeldOut) Split(int chunk, int every)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 2);
        var (train, heldOut) = (new List<int>(_tokens.Length), new List<int>(_tokens.Length / every + chunk));
        for (int start = 0, index = 0; start < _tokens.Length; start += chunk, index++)
        {
            var piece = _tokens.AsSpan(start, Math.Min(chunk, _tokens.Length - start));
            (index % every == every / 2 ? heldOut : train).AddRange(piece);
        }
        return (new TokenCorpus([.. train]), new TokenCorpus([.. heldOut]));
    }

    /// <summary><paramref name="rows"/> windows of <paramref name="length"/> + 1 tokens at random offsets (nanoGPT's get_batch).</summary>
    public TokenBatch Sample(DataRandom random, int rows, int length)
    {
        ArgumentNullException.ThrowIfNull(random);
        EnsureFits(length);
        var (inputs, targets) = (new long[rows * length], new long[rows * length]);
        for (var row = 0; row < rows; row++) Fill(inputs, targets, row, length, random.Next(_tokens.Length - length));
        return new TokenBatch(inputs, targets, rows, length);
    }

    /// <summary>Consecutive, non-overlapping windows covering the stream (the last partial window is dropped), in batches of up to <paramref name="rows"/>.</summary>
    public IEnumerable<TokenBatch> Windows(int rows, int length)
    {
        EnsureFits(length);
        var count = (_tokens.Length - 1) / length;
        for (var first = 0; first < count; first += rows)
        {
            var take = Math.Min(rows, count - first);
            var (inputs, targets) = (new long[take * length], new long[take * length]);
            for (var row = 0; row < take; row++) Fill(inputs, targets, row, length, (first + row) * length);
            yield return new TokenBatch(inputs, targets, take, length);
        }
    }

    void Fill(long[] inputs, long[] targets, int row, int length, long offset)
    {
        for (var t = 0; t < length; t++)
        {
            inputs[row * length + t] = _tokens[offset + t];
            targets[row * length + t] = _tokens[offset + t + 1];
        }
    }

    void EnsureFits(int length)
    {
        if (_tokens.Length < length + 1)
            throw new InvalidDataException($"the text has {_tokens.Length} tokens, fewer than one training window of {length + 1}: give more text or a shorter --seq-len.");
    }
}
