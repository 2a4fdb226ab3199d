namespace DomainAssistant.Model.Kernels;

/// <summary>
/// Which rows of a decoding batch go through which adapter's low-rank factors (a block: one adapter's ranks), at what
/// scaling. <see cref="LowRankLinear"/> gathers each block's rows together, so a row is multiplied by its own
/// adapter's factors only.
/// </summary>
internal sealed class LowRankBlocks
{
    /// <param name="blocks">Per block: its rank, its scaling and the batch rows it serves (each row in at most one
    /// block; rows in none run the base model alone).</param>
    /// <param name="batchRows">Rows in the batch.</param>
    public LowRankBlocks(IReadOnlyList<(int Rank, float Scaling, int[] Rows)> blocks, int batchRows)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        Count = blocks.Count;
        BatchRows = batchRows;
        Start = new int[Count];
        Rank = new int[Count];
        Scaling = new float[Count];
        Rows = new int[Count][];
        FirstGathered = new int[Count];
        LowOffset = new int[Count];
        var seen = new bool[batchRows];
        for (var b = 0; b < Count; b++)
        {
            var (rank, scaling, rows) = blocks[b];
            if (rank <= 0) throw new ArgumentOutOfRangeException(nameof(blocks), rank, $"block {b} has rank {rank}.");
            foreach (var row in rows)
            {
                if (row < 0 || row >= batchRows) throw new ArgumentOutOfRangeException(nameof(blocks), row, $"block {b} names row {row} of a batch of {batchRows}.");
                if (seen[row]) throw new ArgumentException($"row {row} is in two blocks.", nameof(blocks));
                seen[row] = true;
            }
            Start[b] = TotalRank;
            Rank[b] = rank;
            Scaling[b] = scaling;
            Rows[b] = rows;
            FirstGathered[b] = GatheredRows;
            LowOffset[b] = LowLength;
            TotalRank += rank;
            GatheredRows += rows.Length;
            LowLength += rows.Length * rank;
        }
    }

    public int Count { get; }

    public int BatchRows { get; }

    /// <summary>Per block, where its ranks begin among every block's taken in order (how the down-projections' work is split).</summary>
    public int[] Start { get; }

    public int[] Rank { get; }

    public float[] Scaling { get; }

    /// <summary>Per block, the batch rows it serves.</summary>
    public int[][] Rows { get; }

    /// <summary>Per block, where its rows begin among the gathered rows (block after block).</summary>
    public int[] FirstGathered { get; }

    /// <summary>Per block, where its [rows, rank] low-rank activations begin in the buffer of all blocks'.</summary>
    public int[] LowOffset { get; }

    /// <summary>Σr: every block's ranks.</summary>
    public int TotalRank { get; }

    /// <summary>Rows that go through some block.</summary>
    public int GatheredRows { get; }

    /// <summary>Floats of every block's low-rank activations together.</summary>
    public int LowLength { get; }
}
