using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Modeling;

/// <summary>
/// Preallocated keys and values for every layer, [slots, capacity, kv_heads, head_dim] each, with a length per slot.
/// A slot holds one sequence: a scheduler prefills a new request into a free slot, then decodes all active slots
/// together in one forward (<see cref="LlamaForCausalLM.Forward(Tensor, KvCache, IReadOnlyList{int}, IReadOnlyList{string?}?, bool)"/>).
/// </summary>
/// <remarks>
/// Position-major: all heads of one position sit together, so a slot's history is one contiguous run that a
/// decoding step reads front to back. Head-major storage ([slots, kv_heads, capacity, head_dim]) split it into one
/// short run per head, each starting cold, and reading a batch's keys and values was markedly slower that way
/// (figures: docs/modeling.md, 'KV cache layout and writes').
/// Not thread-safe: one forward at a time per cache. Create it with <see cref="LlamaForCausalLM.NewKvCache"/>.
/// </remarks>
public sealed class KvCache : IDisposable
{
    readonly Tensor[] _keys;    // per layer [slots, capacity, kv_heads, head_dim]
    readonly Tensor[] _values;  // per layer [slots, capacity, kv_heads, head_dim]
    readonly int[] _lengths;

    public KvCache(int layers, int slots, int capacity, int kvHeads, int headDim, ScalarType dtype, Device? device = null)
    {
        if (layers <= 0 || slots <= 0 || capacity <= 0 || kvHeads <= 0 || headDim <= 0)
            throw new ArgumentException($"cache dimensions must be positive: layers {layers}, slots {slots}, capacity {capacity}, kv_heads {kvHeads}, head_dim {headDim}.");
        Slots = slots;
        Capacity = capacity;
        DType = dtype;
        // Zeros, not empty: masked-out entries still meet a zero attention weight, and 0 * NaN would poison the row.
        _keys = Enumerable.Range(0, layers).Select(_ => zeros([slots, capacity, kvHeads, headDim], dtype, device)).ToArray();
        _values = Enumerable.Range(0, layers).Select(_ => zeros([slots, capacity, kvHeads, headDim], dtype, device)).ToArray();
        _lengths = new int[slots];
    }

    public int Layers => _keys.Length;
    public int Slots { get; }
    public int Capacity { get; }
    public ScalarType DType { get; }

    /// <summary>Tokens held in a slot (its next token goes to this position).</summary>
    public int Length(int slot) => _lengths[CheckSlot(slot)];

    /// <summary>Frees a slot for a new sequence (old entries are ignored, not erased).</summary>
    public void Clear(int slot) => _lengths[CheckSlot(slot)] = 0;

    /// <summary>Keeps only the first <paramref name="length"/> tokens of a slot (e.g. to reuse a shared prompt prefix).</summary>
    public void Truncate(int slot, int length)
    {
        if (length < 0 || length > _lengths[CheckSlot(slot)])
            throw new ArgumentOutOfRangeException(nameof(length), $"slot {slot} holds {_lengths[slot]} tokens; cannot truncate to {length}.");
        _lengths[slot] = length;
    }

    /// <summary>
    /// Makes slot <paramref name="to"/> hold the first <paramref name="length"/> tokens of slot <paramref name="from"/>,
    /// so many continuations of one prompt are scored after a single prefill.
    /// </summary>
    public void CopyPrefix(int from, int to, int length)
    {
        if (length < 0 || length > _lengths[CheckSlot(from)])
            throw new ArgumentOutOfRangeException(nameof(length), $"slot {from} holds {_lengths[from]} tokens; cannot copy {length}.");
        CheckSlot(to);
        if (from == to) { _lengths[to] = length; return; }
        using var scope = NewDisposeScope(); // the views below; copy_ returns the store's own view
        foreach (var store in _keys.Concat(_values))
            store.narrow(0, to, 1).narrow(1, 0, length).copy_(store.narrow(0, from, 1).narrow(1, 0, length)); // [1, length, kv_heads, head_dim]
        _lengths[to] = length;
    }

    /// <summary>Checks that each slot may take <paramref name="newTokens"/> more and says where they go.</summary>
    internal CacheRows Plan(IReadOnlyList<int> slots, int newTokens, Device device)
    {
        var starts = new int[slots.Count];
        var seen = new HashSet<int>();
        for (var row = 0; row < slots.Count; row++)
        {
            var slot = CheckSlot(slots[row]);
            if (!seen.Add(slot)) throw new ArgumentException($"slot {slot} appears twice in one batch.", nameof(slots));
            starts[row] = _lengths[slot];
            if (starts[row] + newTokens > Capacity)
                throw new InvalidOperationException($"slot {slot} holds {starts[row]} tokens; {newTokens} more exceed the cache capacity {Capacity}.");
        }
        return new CacheRows(slots.ToArray(), starts, newTokens, device);
    }

    /// <summary>Writes this forward's keys and values into each row's slot at its positions.</summary>
    /// <param name="layer">Decoder layer index.</param>
    /// <param name="k">[B, T, kv_heads, head_dim], already rotated.</param>
    /// <param name="v">[B, T, kv_heads, head_dim].</param>
    /// <param name="rows">From <see cref="Plan"/> for this forward.</param>
    internal void Write(int layer, Tensor k, Tensor v, CacheRows rows)
    {
        if (CopiesDirectly(_keys[layer], k) && CopiesDirectly(_values[layer], v))
        {
            CopyInto(_keys[layer], k, rows);
            CopyInto(_values[layer], v, rows);
            return;
        }
        // Slot and position dims are indexed by [B,1] and [B,T], broadcast to [B,T]: the value is [B,T,kvH,hd].
        var slotIndex = TensorIndex.Tensor(rows.SlotColumn);
        var positionIndex = TensorIndex.Tensor(rows.Positions);
        // In-place ops return the cache tensor itself: never dispose their results.
        _keys[layer].index_put_(k, slotIndex, positionIndex);
        _values[layer].index_put_(v, slotIndex, positionIndex);
    }

    /// <summary>Everything each row may attend to after <see cref="Write"/>.</summary>
    /// <returns>keys and values [attention rows, kv_heads, L, head_dim] (see <see cref="CacheRows"/>), L = the longest row after the write (rows shorter than L are masked).</returns>
    internal (Tensor Keys, Tensor Values) Read(int layer, CacheRows rows) => (Gather(_keys[layer], rows), Gather(_values[layer], rows));

    /// <summary>A layer's whole key store [slots, capacity, kv_heads, head_dim], for kernels that read slots in place.</summary>
    internal Tensor Keys(int layer) => _keys[layer];

    /// <summary>A layer's whole value store, as <see cref="Keys"/>.</summary>
    internal Tensor Values(int layer) => _values[layer];

    /// <summary>
    /// A CPU cache takes new entries as plain memory copies (one kv_heads * head_dim run per row and token): index_put_
    /// with index tensors, called twice per layer, costs many times what the copies do (figures: docs/modeling.md,
    /// 'KV cache layout and writes').
    /// </summary>
    static bool CopiesDirectly(Tensor store, Tensor update) =>
        store.device_type == DeviceType.CPU && update.device_type == DeviceType.CPU && update.dtype == store.dtype
        && update.is_contiguous() && store.numel() * store.ElementSize <= int.MaxValue; // the store is copied into through one Span

    static void CopyInto(Tensor store, Tensor update, CacheRows rows)
    {
        long capacity = store.size(1);
        int run = (int)(store.size(2) * store.size(3) * store.ElementSize), tokens = rows.NewTokens;
        var source = update.bytes;
        var target = store.bytes;
        for (int row = 0; row < rows.Slots.Length; row++)
            for (int t = 0; t < tokens; t++)
            {
                long from = (long)(row * tokens + t) * run;                                 // [row, t, 0, 0]
                long to = (rows.Slots[row] * capacity + rows.Starts[row] + t) * run;        // [slot, position, 0, 0]
                source.Slice((int)from, run).CopyTo(target.Slice((int)to, run));
            }
        GC.KeepAlive(update);
        GC.KeepAlive(store);
    }

    /// <returns>[attention rows, kv_heads, L, head_dim], a view of the store where the slots lie close together.</returns>
    static Tensor Gather(Tensor store, CacheRows rows)
    {
        using var prefix = store.narrow(1, 0, rows.KeyLength); // [slots, L, kvH, hd]
        using var selected = rows.ReadsRange
            ? prefix.narrow(0, rows.FirstSlot, rows.AttentionRowCount)
            : prefix.index_select(0, rows.SlotIndex);
        return selected.transpose(1, 2);
    }

    /// <summary>Counts the new tokens once every layer has written them.</summary>
    internal void Commit(CacheRows rows)
    {
        for (var row = 0; row < rows.Slots.Length; row++) _lengths[rows.Slots[row]] = rows.Starts[row] + rows.NewTokens;
    }

    int CheckSlot(int slot) =>
        slot >= 0 && slot < Slots ? slot : throw new ArgumentOutOfRangeException(nameof(slot), $"slot {slot} is outside 0..{Slots - 1}.");

    public void Dispose()
    {
        foreach (var t in _keys) t.Dispose();
        foreach (var t in _values) t.Dispose();
    }
}
