namespace DomainAssistant.Model.Lora;

/// <summary>One adapter's block in a stacked layout: its rank and scaling.</summary>
public readonly record struct AdapterBlock(string Adapter, long Rank, double Scaling);

/// <summary>
/// The order, ranks and scalings of the adapters a mixed batch goes through: how their factors are stacked in a layer
/// and which of a batch's rows each block serves (<see cref="AdapterRouting.Blocks"/>), worked out once for the layers that share the layout.
/// </summary>
public sealed class AdapterLayout
{
    AdapterLayout(IReadOnlyList<AdapterBlock> blocks)
    {
        Blocks = blocks;
        TotalRank = blocks.Sum(b => b.Rank);
        Key = string.Join('\n', blocks.Select(b => FormattableString.Invariant($"{b.Adapter}\t{b.Rank}\t{b.Scaling:R}")));
    }

    public IReadOnlyList<AdapterBlock> Blocks { get; }

    /// <summary>Σ rank: the width of the stacked low-rank product.</summary>
    public long TotalRank { get; }

    /// <summary>Equal for equal layouts.</summary>
    public string Key { get; }

    public static AdapterLayout Of(IEnumerable<(string Adapter, long Rank, double Scaling)> blocks) =>
        new([.. blocks.Select(b => new AdapterBlock(b.Adapter, b.Rank, b.Scaling))]);
}
