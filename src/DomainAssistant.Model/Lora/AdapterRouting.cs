using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Lora;

/// <summary>The rows of a batch that one adapter serves; <see cref="Rows"/> null means every row.</summary>
/// <param name="Adapter">Adapter name.</param>
/// <param name="Rows">[n] int64 row indices into the batch, or null for all rows.</param>
public sealed record AdapterRows(string Adapter, Tensor? Rows);

/// <summary>
/// Which adapter each row of a batch goes through, worked out once per forward and shared by every
/// <see cref="LoraLinear"/>, so one batch can mix adapters (and the bare base model) over one copy of the base.
/// </summary>
public sealed class AdapterRouting : IDisposable
{
    AdapterRouting(IReadOnlyList<AdapterRows> groups, IReadOnlyList<int[]> groupRows, int batchRows)
    {
        Groups = groups;
        GroupRows = groupRows;
        BatchRows = batchRows;
    }

    /// <summary>Every row runs the base model alone.</summary>
    public static AdapterRouting None { get; } = new([], [], 0);

    /// <summary>Row groups by adapter; rows not in any group run the base model alone.</summary>
    public IReadOnlyList<AdapterRows> Groups { get; }

    public bool IsEmpty => Groups.Count == 0;

    /// <summary>Groups rows by adapter name.</summary>
    /// <param name="adapterPerRow">One name (or null = base model) per row, or null for base everywhere.</param>
    /// <param name="batchSize">Rows in the batch; <paramref name="adapterPerRow"/> must have this length.</param>
    /// <param name="device">Where the row indices live (the activations' device).</param>
    public static AdapterRouting For(IReadOnlyList<string?>? adapterPerRow, long batchSize, Device device)
    {
        if (adapterPerRow is null) return None;
        if (adapterPerRow.Count != batchSize)
            throw new ArgumentException($"adapterPerRow has {adapterPerRow.Count} entries for a batch of {batchSize} rows.", nameof(adapterPerRow));
        var rowsByAdapter = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var row = 0; row < adapterPerRow.Count; row++)
        {
            if (adapterPerRow[row] is not { } name) continue;
            if (!rowsByAdapter.TryGetValue(name, out var rows)) rowsByAdapter[name] = rows = [];
            rows.Add(row);
        }
        if (rowsByAdapter.Count == 0) return None;
        var groups = rowsByAdapter.Select(entry => new AdapterRows(entry.Key,
            entry.Value.Count == batchSize ? null : tensor(entry.Value.Select(row => (long)row).ToArray(), device: device))).ToList();
        return new AdapterRouting(groups, [.. rowsByAdapter.Values.Select(rows => rows.ToArray())], adapterPerRow.Count);
    }

    /// <summary>Per group (<see cref="Groups"/>, in order), its batch rows.</summary>
    public IReadOnlyList<int[]> GroupRows { get; }

    /// <summary>Rows in the batch.</summary>
    public int BatchRows { get; }

    public void Dispose()
    {
        foreach (var group in Groups) group.Rows?.Dispose();
    }
}
