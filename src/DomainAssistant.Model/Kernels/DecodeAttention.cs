using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace DomainAssistant.Model.Kernels;

/// <summary>
/// Attention for one new token per row (decoding), read straight from the KV cache: each row attends over its own
/// slot's first length[b] keys, so rows of different lengths need no mask and no gathered copy of the cache.
/// </summary>
/// <remarks>
/// libtorch's scaled_dot_product_attention runs one matrix-vector product per (row, head) for a single query, and
/// reading the batch's slots out of the cache (index_select or a view) and writing the new keys (index_put_) are
/// further ops whose cost grows with the batch, until at batch 8 they were a large share of a 110M step (figures:
/// docs/modeling.md, 'Decode attention'). Here each row sweeps its slot's history in place (a dot product per key
/// and head, a softmax per head, a weighted sum of values), the rows (or, for fewer rows than threads, their heads)
/// split between libtorch's threads. CPU, float32 or bf16 caches, head_dim a multiple of 8 (16-float vectors, and an
/// 8-float half-vector for the rest: stories260K's heads are 8 wide); everything else goes to libtorch.
/// </remarks>
public static partial class DecodeAttention
{
    /// <summary>Below this many multiply-adds (all rows and heads) one thread does it all: waking another costs more.</summary>
    const long ParallelFrom = 1 << 18;

    const int Lanes = 16; // floats in a Vector512

    const int HalfLanes = 8; // floats in a Vector256: a head_dim of 16n + 8 ends with one of these

    /// <summary>Whether <see cref="Forward"/> takes this step.</summary>
    /// <param name="query">[B, 1, heads, head_dim], the new token's rotated queries.</param>
    /// <param name="keyCache">[slots, capacity, kv_heads, head_dim].</param>
    public static bool Applies(Tensor query, Tensor keyCache) =>
        Vector512.IsHardwareAccelerated
        && !is_grad_enabled()
        && query.dim() == 4 && query.size(1) == 1 && keyCache.dim() == 4 && query.size(3) == keyCache.size(3)
        && query.size(3) % HalfLanes == 0 // head_dim in whole vectors and at most one half-vector
        && query.dtype is ScalarType.Float32 or ScalarType.BFloat16 && keyCache.dtype == query.dtype
        && query.device_type == DeviceType.CPU && keyCache.device_type == DeviceType.CPU
        && query.is_contiguous() && keyCache.is_contiguous()
        && keyCache.numel() * keyCache.ElementSize <= int.MaxValue; // the cache is read through one Span

    /// <summary>softmax(q K^T / sqrt(head_dim)) V for each row and head, over keys 0..lengths[b]-1 of slot slots[b].</summary>
    /// <param name="query">[B, 1, heads, head_dim] float32 or bf16.</param>
    /// <param name="keyCache">[slots, capacity, kv_heads, head_dim] in the query's dtype, this token's keys already written.</param>
    /// <param name="valueCache">Same shape as <paramref name="keyCache"/>.</param>
    /// <param name="slots">Cache slot of each row.</param>
    /// <param name="lengths">Keys each row attends to (its length after this token), 1..capacity.</param>
    /// <returns>[B, 1, heads * head_dim] in the query's dtype (bf16 caches are read as bf16 and computed in float32).</returns>
    /// <exception cref="ArgumentException">The kernel does not apply (<see cref="Applies"/>), or the caches differ.</exception>
    public static Tensor Forward(Tensor query, Tensor keyCache, Tensor valueCache, IReadOnlyList<int> slots, IReadOnlyList<int> lengths) =>
        TryForward(query, keyCache, valueCache, slots, lengths, out var attended)
            ? attended
            : throw new ArgumentException($"DecodeAttention does not apply to query {query.dtype} [{string.Join(", ", query.shape)}] and cache {keyCache.dtype} [{string.Join(", ", keyCache.shape)}].");

    /// <summary>
    /// <see cref="Forward"/> where the kernel applies, checked once (the checks are native calls); false, and nothing
    /// computed, where it does not, so the caller goes to libtorch.
    /// </summary>
    public static bool TryForward(Tensor query, Tensor keyCache, Tensor valueCache, IReadOnlyList<int> slots, IReadOnlyList<int> lengths, [NotNullWhen(true)] out Tensor? attended)
    {
        attended = Applies(query, keyCache) && valueCache.dtype == keyCache.dtype && valueCache.is_contiguous() && SameSizes(valueCache, keyCache)
            ? Compute(query, keyCache, valueCache, slots, lengths)
            : null;
        return attended is not null;
    }

    /// <summary>Equal 4-d sizes, read with size(i): Tensor.shape builds a fresh array through a native call with a
    /// managed callback, far dearer (figures: docs/modeling.md, 'Kernel threads').</summary>
    static bool SameSizes(Tensor a, Tensor b) =>
        a.dim() == 4 && b.dim() == 4 && a.size(0) == b.size(0) && a.size(1) == b.size(1) && a.size(2) == b.size(2) && a.size(3) == b.size(3);

    static unsafe Tensor Compute(Tensor query, Tensor keyCache, Tensor valueCache, IReadOnlyList<int> slots, IReadOnlyList<int> lengths)
    {
        int rows = (int)query.size(0), heads = (int)query.size(2), headDim = (int)query.size(3);
        int capacity = (int)keyCache.size(1), kvHeads = (int)keyCache.size(2);
        if (slots.Count != rows || lengths.Count != rows) throw new ArgumentException($"{rows} rows need {rows} slots and lengths; got {slots.Count} and {lengths.Count}.");
        if (heads % kvHeads != 0) throw new ArgumentException($"{heads} query heads cannot share {kvHeads} kv heads evenly.");
        var work = new Work(rows, heads, kvHeads, headDim, capacity, slots.ToArray(), lengths.ToArray());
        for (int b = 0; b < rows; b++)
        {
            if (work.Slots[b] < 0 || work.Slots[b] >= keyCache.size(0)) throw new ArgumentOutOfRangeException(nameof(slots), $"slot {work.Slots[b]} is outside the cache's {keyCache.shape[0]} slots.");
            if (work.Lengths[b] < 1 || work.Lengths[b] > capacity) throw new ArgumentOutOfRangeException(nameof(lengths), $"row {b} attends to {work.Lengths[b]} keys; the cache holds 1..{capacity}.");
        }

        bool bf16 = query.dtype == ScalarType.BFloat16;
        using var query32 = bf16 ? query.to_type(ScalarType.Float32) : null;
        var output = empty([rows, 1, (long)heads * headDim], ScalarType.Float32);
        fixed (byte* q = (query32 ?? query).bytes, k = keyCache.bytes, v = valueCache.bytes, y = output.bytes)
        {
            var pointers = new Pointers((float*)q, k, v, (float*)y, bf16);
            long multiplyAdds = 2L * headDim * work.Lengths.Sum() * heads;
            int workers = multiplyAdds < ParallelFrom ? 1 : get_num_threads();
            // Work items are (row, group of heads): whole rows when there are enough of them, else each row's heads
            // split so every worker has a share.
            int groupsPerRow = rows >= workers ? 1 : Math.Min(heads, (workers + rows - 1) / rows);
            int items = rows * groupsPerRow;
            WorkerRanges.Run(items, Math.Min(workers, items), (from, to) => work.Run(pointers, groupsPerRow, from, to));
        }
        GC.KeepAlive(query);
        GC.KeepAlive(keyCache);
        GC.KeepAlive(valueCache);
        if (!bf16) return output;
        using (output) return output.to_type(ScalarType.BFloat16);
    }

    /// <summary>Query and output are float32; the cache's keys and values are float32 or bf16 (<see cref="BFloat16"/>).</summary>
    readonly unsafe struct Pointers(float* query, byte* keys, byte* values, float* output, bool bfloat16)
    {
        public float* Query { get; } = query;
        public byte* Keys { get; } = keys;
        public byte* Values { get; } = values;
        public float* Output { get; } = output;
        public bool BFloat16 { get; } = bfloat16;
    }

    sealed partial record Work(int Rows, int Heads, int KvHeads, int HeadDim, int Capacity, int[] Slots, int[] Lengths)
    {
        /// <summary>Work items [from, to): item i is row i / groupsPerRow, heads group i % groupsPerRow.</summary>
        public unsafe void Run(Pointers at, int groupsPerRow, int from, int to)
        {
            var scores = ArrayPool<float>.Shared.Rent(Heads * PaddedLength(Capacity));
            var totals = ArrayPool<float>.Shared.Rent(Heads);
            try
            {
                for (int item = from; item < to; item++)
                {
                    int row = item / groupsPerRow, group = item % groupsPerRow;
                    int first = Heads * group / groupsPerRow, end = Heads * (group + 1) / groupsPerRow;
                    if (HeadDim == HalfLanes && first % HalfLanes == 0 && end % HalfLanes == 0)
                    {
                        for (int octet = first; octet < end; octet += HalfLanes)
                            if (at.BFloat16) SweepEightNarrowHeads<BFloat16Element>(at, row, octet, scores);
                            else SweepEightNarrowHeads<Float32Element>(at, row, octet, scores);
                    }
                    else if (at.BFloat16) Sweep<BFloat16Element>(at, row, first, end, scores, totals);
                    else Sweep<Float32Element>(at, row, first, end, scores, totals);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scores);
                ArrayPool<float>.Shared.Return(totals);
            }
        }

        /// <summary>
        /// Heads [first, end) of one row, in two passes front to back over the row's history: keys, then values,
        /// each position's heads together. (Head by head, each head would walk the history again at a
        /// kv_heads * head_dim stride, which was slower at batch 8: docs/modeling.md, 'Decode attention'.)
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        unsafe void Sweep<T>(Pointers at, int row, int first, int end, float[] scoreBuffer, float[] totals) where T : struct, IStoredElement
        {
            int length = Lengths[row], padded = PaddedLength(length), groups = Heads / KvHeads, stride = KvHeads * HeadDim;
            long slotStart = (long)Slots[row] * Capacity * stride; // element [slot, 0, 0, 0]; position l of kv head g is + l * stride + g * head_dim
            byte* keys = at.Keys, values = at.Values;
            float* queries = at.Query + (long)row * Heads * HeadDim;              // head h at + h * head_dim
            float* outputs = at.Output + (long)row * Heads * HeadDim;
            float scale = 1f / MathF.Sqrt(HeadDim);
            // Element offset of each query head's kv head within a position, once per call rather than an integer
            // division per head and position in the loops below, which was measurably slower on narrow heads (figures:
            // docs/modeling.md, 'Decode attention').
            int* kvOffset = stackalloc int[Heads];
            for (int h = 0; h < Heads; h++) kvOffset[h] = h / groups * HeadDim;

            // scores[(h - first) * padded + l] = scale * q_h . K[l, g(h)], four positions at a time.
            int key = 0;
            for (; key + 4 <= length; key += 4)
                for (int h = first; h < end; h++)
                {
                    long at0 = slotStart + (long)key * stride + kvOffset[h];
                    if (key + PrefetchAhead < length) PrefetchFour<T>(keys, at0 + PrefetchAhead * stride, stride, HeadDim);
                    (Dot4<T>(queries + h * HeadDim, keys, at0, stride, HeadDim) * scale).CopyTo(scoreBuffer.AsSpan((h - first) * padded + key, 4));
                }
            for (; key < length; key++)
                for (int h = first; h < end; h++)
                    scoreBuffer[(h - first) * padded + key] = Dot1<T>(queries + h * HeadDim, keys, slotStart + (long)key * stride + kvOffset[h], HeadDim) * scale;

            // Softmax per head with the maximum subtracted first, so large scores cannot overflow exp; the division
            // by the sum is left to the end, on head_dim values instead of length.
            for (int h = first; h < end; h++)
            {
                totals[h] = Exponentiate(scoreBuffer.AsSpan((h - first) * padded, padded), length);
                new Span<float>(outputs + h * HeadDim, HeadDim).Clear();
            }

            // outputs[h] += weight * V[l, g(h)], four positions per load and store of the output.
            int position = 0;
            for (; position + 4 <= length; position += 4)
                for (int h = first; h < end; h++)
                {
                    long at0 = slotStart + (long)position * stride + kvOffset[h];
                    if (position + PrefetchAhead < length) PrefetchFour<T>(values, at0 + PrefetchAhead * stride, stride, HeadDim);
                    AddScaled4<T>(values, at0, stride, scoreBuffer.AsSpan((h - first) * padded + position, 4), outputs + h * HeadDim, HeadDim);
                }
            for (int l = position; l < length; l++)
                for (int h = first; h < end; h++)
                    AddScaled<T>(values, slotStart + (long)l * stride + kvOffset[h], scoreBuffer[(h - first) * padded + l], outputs + h * HeadDim, HeadDim);

            for (int h = first; h < end; h++)
            {
                var output = new Span<float>(outputs + h * HeadDim, HeadDim);
                TensorPrimitives.Multiply(output, 1f / totals[h], output);
            }
        }

        /// <summary>Scores are kept in whole vectors, so the softmax runs without a scalar tail.</summary>
        static int PaddedLength(int length) => (length + Lanes - 1) / Lanes * Lanes;

        /// <summary>
        /// scores[l] = exp(scores[l] - max) for l below <paramref name="length"/>, 0 in the padding; returns their sum.
        /// <see cref="SoftmaxExp"/>, inlined: TensorPrimitives.Exp's vector core stayed unoptimised (tier 0) in long
        /// decoding runs (perf), costing most of a one-row attention call, and Vector512.Exp is a call that computes in
        /// double (figures: docs/modeling.md, 'Kernel threads').
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static float Exponentiate(Span<float> scores, int length)
        {
            scores[length..].Fill(float.NegativeInfinity); // exp(-inf) = 0, and no maximum
            ref float start = ref MemoryMarshal.GetReference(scores);
            var maximum = Vector512.Create(float.NegativeInfinity);
            for (int i = 0; i < scores.Length; i += Lanes) maximum = Vector512.Max(maximum, Vector512.LoadUnsafe(ref start, (nuint)i));
            var shift = Vector512.Create(MaxOf(maximum));
            var sum = Vector512<float>.Zero;
            for (int i = 0; i < scores.Length; i += Lanes)
            {
                var e = SoftmaxExp.Of(Vector512.LoadUnsafe(ref start, (nuint)i) - shift);
                e.StoreUnsafe(ref start, (nuint)i);
                sum += e;
            }
            return Vector512.Sum(sum);
        }

        static float MaxOf(Vector512<float> v)
        {
            var half = Vector256.Max(v.GetLower(), v.GetUpper());
            var m = Vector128.Max(half.GetLower(), half.GetUpper());
            return MathF.Max(MathF.Max(m[0], m[1]), MathF.Max(m[2], m[3]));
        }
    }
}
