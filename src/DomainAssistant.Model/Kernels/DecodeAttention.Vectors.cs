using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DomainAssistant.Model.Kernels;

// The general sweep's vector steps: dot products of a query with 4 or 1 keys, and weighted sums of 4 or 1 values.
public static partial class DecodeAttention
{
    sealed partial record Work
    {
        /// <summary>[q . k0, q . k1, q . k2, q . k3] for keys k_i at element k0 + i * stride; one 8-instruction reduction serves the four.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static unsafe Vector128<float> Dot4<T>(float* query, byte* keys, long k0, int stride, int headDim) where T : struct, IStoredElement
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            int d = 0;
            for (; d + Lanes <= headDim; d += Lanes)
            {
                var q = Vector512.Load(query + d);
                a0 = Vector512.FusedMultiplyAdd(q, T.Load(keys, k0 + d), a0);
                a1 = Vector512.FusedMultiplyAdd(q, T.Load(keys, k0 + stride + d), a1);
                a2 = Vector512.FusedMultiplyAdd(q, T.Load(keys, k0 + 2 * stride + d), a2);
                a3 = Vector512.FusedMultiplyAdd(q, T.Load(keys, k0 + 3 * stride + d), a3);
            }
            if (d < headDim) // the last 8 floats, products in the low half of each accumulator
            {
                var q = Vector256.Load(query + d);
                a0 += Vector512.Create(q * T.LoadHalf(keys, k0 + d), default);
                a1 += Vector512.Create(q * T.LoadHalf(keys, k0 + stride + d), default);
                a2 += Vector512.Create(q * T.LoadHalf(keys, k0 + 2 * stride + d), default);
                a3 += Vector512.Create(q * T.LoadHalf(keys, k0 + 3 * stride + d), default);
            }
            return VectorSums.OfFour(a0, a1, a2, a3);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static unsafe float Dot1<T>(float* query, byte* keys, long key, int headDim) where T : struct, IStoredElement
        {
            var a = Vector512<float>.Zero;
            int d = 0;
            for (; d + Lanes <= headDim; d += Lanes) a = Vector512.FusedMultiplyAdd(Vector512.Load(query + d), T.Load(keys, key + d), a);
            float sum = Vector512.Sum(a);
            return d < headDim ? sum + Vector256.Sum(Vector256.Load(query + d) * T.LoadHalf(keys, key + d)) : sum;
        }

        /// <summary>output [head_dim] += the four values at element v0 + i * stride, weighted by <paramref name="weights"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static unsafe void AddScaled4<T>(byte* values, long v0, int stride, ReadOnlySpan<float> weights, float* output, int headDim) where T : struct, IStoredElement
        {
            Vector512<float> p0 = Vector512.Create(weights[0]), p1 = Vector512.Create(weights[1]), p2 = Vector512.Create(weights[2]), p3 = Vector512.Create(weights[3]);
            int d = 0;
            for (; d + Lanes <= headDim; d += Lanes)
            {
                var sum = Vector512.FusedMultiplyAdd(T.Load(values, v0 + d), p0, Vector512.Load(output + d));
                sum = Vector512.FusedMultiplyAdd(T.Load(values, v0 + stride + d), p1, sum);
                sum = Vector512.FusedMultiplyAdd(T.Load(values, v0 + 2 * stride + d), p2, sum);
                Vector512.FusedMultiplyAdd(T.Load(values, v0 + 3 * stride + d), p3, sum).Store(output + d);
            }
            if (d < headDim) // the last 8 floats
            {
                var sum = Vector256.FusedMultiplyAdd(T.LoadHalf(values, v0 + d), p0.GetLower(), Vector256.Load(output + d));
                sum = Vector256.FusedMultiplyAdd(T.LoadHalf(values, v0 + stride + d), p1.GetLower(), sum);
                sum = Vector256.FusedMultiplyAdd(T.LoadHalf(values, v0 + 2 * stride + d), p2.GetLower(), sum);
                Vector256.FusedMultiplyAdd(T.LoadHalf(values, v0 + 3 * stride + d), p3.GetLower(), sum).Store(output + d);
            }
        }

        /// <summary>output [head_dim] += weight * the value [head_dim] at element <paramref name="value"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static unsafe void AddScaled<T>(byte* values, long value, float weight, float* output, int headDim) where T : struct, IStoredElement
        {
            var p = Vector512.Create(weight);
            int d = 0;
            for (; d + Lanes <= headDim; d += Lanes)
                Vector512.FusedMultiplyAdd(T.Load(values, value + d), p, Vector512.Load(output + d)).Store(output + d);
            if (d < headDim) // the last 8 floats
                Vector256.FusedMultiplyAdd(T.LoadHalf(values, value + d), p.GetLower(), Vector256.Load(output + d)).Store(output + d);
        }
    }
}
