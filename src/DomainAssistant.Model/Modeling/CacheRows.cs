using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Modeling;

/// <summary>
/// Where the rows of one cached forward live: row b is slot <see cref="Slots"/>[b] and its T new tokens take
/// positions <see cref="Starts"/>[b] .. Starts[b]+T-1. Index tensors are built once and shared by every layer.
/// </summary>
internal sealed class CacheRows
{
    public CacheRows(int[] slots, int[] starts, int newTokens, Device device)
    {
        Slots = slots;
        Starts = starts;
        NewTokens = newTokens;
        KeyLength = starts.Max() + newTokens;
        UniformStart = starts.All(s => s == starts[0]);
        FirstConsecutiveSlot = slots.Select((slot, row) => slot - row).All(d => d == slots[0]) ? slots[0] : null;

        var positions = new long[slots.Length * newTokens];
        for (var row = 0; row < slots.Length; row++)
            for (var t = 0; t < newTokens; t++) positions[row * newTokens + t] = starts[row] + t;
        Positions = tensor(positions, [slots.Length, newTokens], device: device);
        SlotIndex = tensor(slots.Select(s => (long)s).ToArray(), device: device);
        SlotColumn = SlotIndex.view(slots.Length, 1);
    }

    public int[] Slots { get; }
    public int[] Starts { get; }
    public int NewTokens { get; }

    /// <summary>Keys every attention reads this forward: the longest row after the write.</summary>
    public int KeyLength { get; }

    /// <summary>All rows start at the same position, so with one new token no row needs masking.</summary>
    public bool UniformStart { get; }

    /// <summary>The first slot when the slots are s, s+1, ..., so the cache can be sliced instead of gathered.</summary>
    public int? FirstConsecutiveSlot { get; }

    /// <summary>[B, T] int64: the position of each new token.</summary>
    public Tensor Positions { get; }

    /// <summary>[B] int64.</summary>
    public Tensor SlotIndex { get; }

    /// <summary>[B, 1] int64 view of <see cref="SlotIndex"/>.</summary>
    public Tensor SlotColumn { get; }
}
