using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Modeling;

/// <summary>
/// Where the rows of one cached forward live: row b is slot <see cref="Slots"/>[b] and its T new tokens take
/// positions <see cref="Starts"/>[b] .. Starts[b]+T-1. Index tensors are built once and shared by every layer.
/// </summary>
/// <remarks>
/// Attention reads the cache without copying it whenever the slots lie close together: it runs over the whole
/// slot range [first, first + R) as a view, with the batch's queries scattered to their slots' rows (rows of
/// idle slots in the range compute throw-away values). Only a batch spread thinly over the cache (R > 2B) gathers
/// its slots' keys and values into a copy.
/// </remarks>
internal sealed class CacheRows
{
    public CacheRows(int[] slots, int[] starts, int newTokens, Device device)
    {
        Slots = slots;
        Starts = starts;
        NewTokens = newTokens;
        KeyLength = starts.Max() + newTokens;
        Lengths = starts.Select(start => start + newTokens).ToArray();
        UniformStart = starts.All(s => s == starts[0]);

        var first = slots.Min();
        var range = slots.Max() - first + 1;
        ReadsRange = range <= 2 * slots.Length;
        FirstSlot = first;
        AttentionRowCount = ReadsRange ? range : slots.Length;
        Offsets = ReadsRange ? slots.Select(s => s - first).ToArray() : Enumerable.Range(0, slots.Length).ToArray();
        ScattersQueries = AttentionRowCount != slots.Length || Offsets.Where((offset, row) => offset != row).Any();

        var positions = new long[slots.Length * newTokens];
        for (var row = 0; row < slots.Length; row++)
            for (var t = 0; t < newTokens; t++) positions[row * newTokens + t] = starts[row] + t;
        Positions = tensor(positions, [slots.Length, newTokens], device: device);
        SlotIndex = tensor(slots.Select(s => (long)s).ToArray(), device: device);
        SlotColumn = SlotIndex.view(slots.Length, 1);
        OffsetIndex = ScattersQueries ? tensor(Offsets.Select(o => (long)o).ToArray(), device: device) : null;
    }

    public int[] Slots { get; }
    public int[] Starts { get; }
    public int NewTokens { get; }

    /// <summary>Each row's length once this forward's tokens are written.</summary>
    public int[] Lengths { get; }

    /// <summary>Keys every attention reads this forward: the longest row after the write.</summary>
    public int KeyLength { get; }

    /// <summary>All rows start at the same position, so with one new token no row needs masking.</summary>
    public bool UniformStart { get; }

    /// <summary>True: attention reads the slot range [<see cref="FirstSlot"/>, +<see cref="AttentionRowCount"/>) as a view.</summary>
    public bool ReadsRange { get; }

    public int FirstSlot { get; }

    /// <summary>Rows attention runs over: the slot range's length, or B when slots are gathered.</summary>
    public int AttentionRowCount { get; }

    /// <summary>Attention row of each batch row.</summary>
    public int[] Offsets { get; }

    /// <summary>The batch's rows are not exactly attention rows 0..B-1, so queries move in and results move out.</summary>
    public bool ScattersQueries { get; }

    /// <summary>[B, T] int64: the position of each new token.</summary>
    public Tensor Positions { get; }

    /// <summary>[B] int64.</summary>
    public Tensor SlotIndex { get; }

    /// <summary>[B, 1] int64 view of <see cref="SlotIndex"/>.</summary>
    public Tensor SlotColumn { get; }

    /// <summary>[B] int64 <see cref="Offsets"/>, when queries are scattered.</summary>
    public Tensor? OffsetIndex { get; }

    /// <summary>Places each batch row's queries at its attention row.</summary>
    /// <param name="perRow">[B, ...].</param>
    /// <returns>[attention rows, ...]; rows of idle slots are zeros.</returns>
    public Tensor ToAttentionRows(Tensor perRow)
    {
        if (!ScattersQueries) return perRow;
        var shape = perRow.shape.ToArray();
        shape[0] = AttentionRowCount;
        using var spread = zeros(shape, perRow.dtype, perRow.device);
        return spread.index_copy(0, OffsetIndex!, perRow);
    }

    /// <summary>Picks each batch row's result back out of the attention rows.</summary>
    /// <param name="attended">[attention rows, ...].</param>
    /// <returns>[B, ...].</returns>
    public Tensor FromAttentionRows(Tensor attended) => ScattersQueries ? attended.index_select(0, OffsetIndex!) : attended;
}
