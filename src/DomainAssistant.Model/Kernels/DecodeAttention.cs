using System.Buffers;
using System.Runtime.CompilerServices;
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
/// further ops whose cost grows with the batch: at batch 8 they took 7.9 ms of a 29 ms 110M step against 2.5 ms at
/// batch 1 (bench/RESULTS.md). Here each (row, head) is a dot product per key, a softmax and a weighted sum of values
/// over contiguous cache memory, the (row, head) pairs split between libtorch's threads. Float32 on the CPU only;
/// everything else goes to libtorch.
/// </remarks>
public static class DecodeAttention
{
    /// <summary>Below this many multiply-adds (all rows and heads) one thread does it all: waking another costs more.</summary>
    const long ParallelFrom = 1 << 18;

    const int Lanes = 16; // floats in a Vector512

    /// <summary>Whether <see cref="Forward"/> takes this step.</summary>
    /// <param name="query">[B, 1, heads, head_dim], the new token's rotated queries.</param>
    /// <param name="keyCache">[slots, capacity, kv_heads, head_dim].</param>
    public static bool Applies(Tensor query, Tensor keyCache) =>
        Vector512.IsHardwareAccelerated
        && !is_grad_enabled()
        && query.dim() == 4 && query.shape[1] == 1 && keyCache.dim() == 4 && query.shape[3] == keyCache.shape[3]
        && query.shape[3] % Lanes == 0 // head_dim in whole vectors (8-wide toy heads stay with libtorch)
        && query.dtype == ScalarType.Float32 && keyCache.dtype == ScalarType.Float32
        && query.device_type == DeviceType.CPU && keyCache.device_type == DeviceType.CPU
        && query.is_contiguous() && keyCache.is_contiguous()
        && keyCache.numel() <= int.MaxValue / sizeof(float); // the cache is read through one Span

    /// <summary>softmax(q K^T / sqrt(head_dim)) V for each row and head, over keys 0..lengths[b]-1 of slot slots[b].</summary>
    /// <param name="query">[B, 1, heads, head_dim] float32.</param>
    /// <param name="keyCache">[slots, capacity, kv_heads, head_dim] float32, this token's keys already written.</param>
    /// <param name="valueCache">Same shape as <paramref name="keyCache"/>.</param>
    /// <param name="slots">Cache slot of each row.</param>
    /// <param name="lengths">Keys each row attends to (its length after this token), 1..capacity.</param>
    /// <returns>[B, 1, heads * head_dim] float32.</returns>
    public static unsafe Tensor Forward(Tensor query, Tensor keyCache, Tensor valueCache, IReadOnlyList<int> slots, IReadOnlyList<int> lengths)
    {
        if (!Applies(query, keyCache) || !valueCache.shape.SequenceEqual(keyCache.shape) || valueCache.dtype != keyCache.dtype || !valueCache.is_contiguous())
            throw new ArgumentException($"DecodeAttention does not apply to query {query.dtype} [{string.Join(", ", query.shape)}] and cache {keyCache.dtype} [{string.Join(", ", keyCache.shape)}].");
        int rows = (int)query.shape[0], heads = (int)query.shape[2], headDim = (int)query.shape[3];
        int capacity = (int)keyCache.shape[1], kvHeads = (int)keyCache.shape[2];
        if (slots.Count != rows || lengths.Count != rows) throw new ArgumentException($"{rows} rows need {rows} slots and lengths; got {slots.Count} and {lengths.Count}.");
        if (heads % kvHeads != 0) throw new ArgumentException($"{heads} query heads cannot share {kvHeads} kv heads evenly.");
        var work = new Work(rows, heads, kvHeads, headDim, capacity, slots.ToArray(), lengths.ToArray());
        for (int b = 0; b < rows; b++)
        {
            if (work.Slots[b] < 0 || work.Slots[b] >= keyCache.shape[0]) throw new ArgumentOutOfRangeException(nameof(slots), $"slot {work.Slots[b]} is outside the cache's {keyCache.shape[0]} slots.");
            if (work.Lengths[b] < 1 || work.Lengths[b] > capacity) throw new ArgumentOutOfRangeException(nameof(lengths), $"row {b} attends to {work.Lengths[b]} keys; the cache holds 1..{capacity}.");
        }

        var output = empty([rows, 1, (long)heads * headDim], ScalarType.Float32);
        fixed (byte* q = query.bytes, k = keyCache.bytes, v = valueCache.bytes, y = output.bytes)
        {
            var pointers = new Pointers((float*)q, (float*)k, (float*)v, (float*)y);
            int pairs = rows * heads;
            long multiplyAdds = 2L * headDim * work.Lengths.Sum() * heads;
            int workers = multiplyAdds < ParallelFrom ? 1 : Math.Min(get_num_threads(), pairs);
            if (workers <= 1) work.Run(pointers, 0, pairs);
            else Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers },
                part => work.Run(pointers, pairs * part / workers, pairs * (part + 1) / workers));
        }
        GC.KeepAlive(query);
        GC.KeepAlive(keyCache);
        GC.KeepAlive(valueCache);
        return output;
    }

    readonly unsafe struct Pointers(float* query, float* keys, float* values, float* output)
    {
        public float* Query { get; } = query;
        public float* Keys { get; } = keys;
        public float* Values { get; } = values;
        public float* Output { get; } = output;
    }

    sealed record Work(int Rows, int Heads, int KvHeads, int HeadDim, int Capacity, int[] Slots, int[] Lengths)
    {
        /// <summary>(row, head) pairs [from, to), numbered row-major.</summary>
        public unsafe void Run(Pointers at, int from, int to)
        {
            var scores = ArrayPool<float>.Shared.Rent(Capacity);
            try
            {
                for (int pair = from; pair < to; pair++) Head(at, pair / Heads, pair % Heads, scores);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scores);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        unsafe void Head(Pointers at, int row, int head, float[] scoreBuffer)
        {
            int length = Lengths[row], kvHead = head / (Heads / KvHeads);
            long offset = ((long)Slots[row] * Capacity * KvHeads + kvHead) * HeadDim; // [slot, 0, kvHead, 0]
            float* keys = at.Keys + offset, values = at.Values + offset;              // key l at + l * stride
            int stride = KvHeads * HeadDim;
            float* query = at.Query + ((long)row * Heads + head) * HeadDim;   // [head_dim]
            float* output = at.Output + ((long)row * Heads + head) * HeadDim; // [head_dim]
            var scores = scoreBuffer.AsSpan(0, length);

            Scores(query, keys, stride, HeadDim, scores, 1f / MathF.Sqrt(HeadDim));
            // Softmax with the maximum subtracted first, so large scores cannot overflow exp; the division by the sum
            // is left to the end, on head_dim values instead of length.
            TensorPrimitives.Subtract(scores, TensorPrimitives.Max(scores), scores);
            TensorPrimitives.Exp(scores, scores);
            float total = TensorPrimitives.Sum(scores);
            WeightedSum(values, stride, scores, HeadDim, output, 1f / total);
        }

        /// <summary>
        /// scores[l] = scale * q . K[l] for q [head_dim] and keys K[l] = keys + l * stride, four at a time so one
        /// 8-instruction reduction serves four sums.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static unsafe void Scores(float* query, float* keys, int stride, int headDim, Span<float> scores, float scale)
        {
            int key = 0;
            for (; key + 4 <= scores.Length; key += 4)
            {
                float* k0 = keys + (long)key * stride;
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int d = 0; d < headDim; d += Lanes)
                {
                    var q = Vector512.Load(query + d);
                    a0 = Vector512.FusedMultiplyAdd(q, Vector512.Load(k0 + d), a0);
                    a1 = Vector512.FusedMultiplyAdd(q, Vector512.Load(k0 + stride + d), a1);
                    a2 = Vector512.FusedMultiplyAdd(q, Vector512.Load(k0 + 2 * stride + d), a2);
                    a3 = Vector512.FusedMultiplyAdd(q, Vector512.Load(k0 + 3 * stride + d), a3);
                }
                (VectorSums.OfFour(a0, a1, a2, a3) * scale).CopyTo(scores.Slice(key, 4));
            }
            for (; key < scores.Length; key++)
            {
                float* k = keys + (long)key * stride;
                var a = Vector512<float>.Zero;
                for (int d = 0; d < headDim; d += Lanes) a = Vector512.FusedMultiplyAdd(Vector512.Load(query + d), Vector512.Load(k + d), a);
                scores[key] = Vector512.Sum(a) * scale;
            }
        }

        /// <summary>
        /// output [head_dim] = scale * sum over l of weights[l] V[l] for V[l] = values + l * stride, 64 dimensions at a time
        /// held in registers across all keys.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static unsafe void WeightedSum(float* values, int stride, ReadOnlySpan<float> weights, int headDim, float* output, float scale)
        {
            int d = 0;
            for (; d + 4 * Lanes <= headDim; d += 4 * Lanes)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                float* v = values + d;
                for (int key = 0; key < weights.Length; key++, v += stride)
                {
                    var p = Vector512.Create(weights[key]);
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Load(v), p, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.Load(v + Lanes), p, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.Load(v + 2 * Lanes), p, a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.Load(v + 3 * Lanes), p, a3);
                }
                (a0 * scale).Store(output + d);
                (a1 * scale).Store(output + d + Lanes);
                (a2 * scale).Store(output + d + 2 * Lanes);
                (a3 * scale).Store(output + d + 3 * Lanes);
            }
            for (; d < headDim; d += Lanes)
            {
                var a = Vector512<float>.Zero;
                float* v = values + d;
                for (int key = 0; key < weights.Length; key++, v += stride) a = Vector512.FusedMultiplyAdd(Vector512.Load(v), Vector512.Create(weights[key]), a);
                (a * scale).Store(output + d);
            }
        }
    }
}
