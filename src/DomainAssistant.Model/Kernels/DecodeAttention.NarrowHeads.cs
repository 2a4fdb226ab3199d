using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DomainAssistant.Model.Kernels;

// The sweep for heads of 8 floats (stories260K's), which takes a position's heads together rather than one by one.
public static partial class DecodeAttention
{
    sealed partial record Work
    {
        /// <summary>
        /// Heads [first, first + 8) of one row when head_dim is 8 (stories260K's heads): each head is one 8-float
        /// vector, so a position's 8 scores come out of one 9-instruction reduction as one vector (one lane a head),
        /// the softmax runs across heads a position at a time, and the weighted values sum in 8 registers. The
        /// general sweep spent a 4-position reduction, a query reload and a span per head instead, and this loop made
        /// stories260K's batch-8 attention clearly cheaper (figures: docs/modeling.md, 'Narrow heads').
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        unsafe void SweepEightNarrowHeads<T>(Pointers at, int row, int first, float[] scoreBuffer) where T : struct, IStoredElement
        {
            int length = Lengths[row], groups = Heads / KvHeads, stride = KvHeads * HalfLanes;
            long slotStart = (long)Slots[row] * Capacity * stride;
            byte* keys = at.Keys, values = at.Values;
            float* queries = at.Query + ((long)row * Heads + first) * HalfLanes;
            float* outputs = at.Output + ((long)row * Heads + first) * HalfLanes;
            // Each head's kv head within a position; the 1/sqrt(head_dim) scale folded into the queries.
            int k0 = first / groups * HalfLanes, k1 = (first + 1) / groups * HalfLanes, k2 = (first + 2) / groups * HalfLanes, k3 = (first + 3) / groups * HalfLanes;
            int k4 = (first + 4) / groups * HalfLanes, k5 = (first + 5) / groups * HalfLanes, k6 = (first + 6) / groups * HalfLanes, k7 = (first + 7) / groups * HalfLanes;
            var scale = Vector256.Create(1f / MathF.Sqrt(HalfLanes));
            Vector256<float> q0 = Vector256.Load(queries) * scale, q1 = Vector256.Load(queries + 8) * scale, q2 = Vector256.Load(queries + 16) * scale, q3 = Vector256.Load(queries + 24) * scale;
            Vector256<float> q4 = Vector256.Load(queries + 32) * scale, q5 = Vector256.Load(queries + 40) * scale, q6 = Vector256.Load(queries + 48) * scale, q7 = Vector256.Load(queries + 56) * scale;

            fixed (float* scores = scoreBuffer) // scores[l * 8 + h]: position-major, a vector a position
            {
                var maximum = Vector256.Create(float.NegativeInfinity);
                for (int l = 0; l < length; l++)
                {
                    long position = slotStart + (long)l * stride;
                    var s = VectorSums.OfEight(
                        q0 * T.LoadHalf(keys, position + k0), q1 * T.LoadHalf(keys, position + k1),
                        q2 * T.LoadHalf(keys, position + k2), q3 * T.LoadHalf(keys, position + k3),
                        q4 * T.LoadHalf(keys, position + k4), q5 * T.LoadHalf(keys, position + k5),
                        q6 * T.LoadHalf(keys, position + k6), q7 * T.LoadHalf(keys, position + k7));
                    s.Store(scores + l * HalfLanes);
                    maximum = Vector256.Max(maximum, s);
                }

                // Softmax per head (per lane), the maximum subtracted so exp cannot overflow; the division by the
                // sum waits for the end, on the outputs.
                var total = Vector256<float>.Zero;
                for (int l = 0; l < length; l++)
                {
                    var e = SoftmaxExp.Of(Vector256.Load(scores + l * HalfLanes) - maximum);
                    e.Store(scores + l * HalfLanes);
                    total += e;
                }

                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                for (int l = 0; l < length; l++)
                {
                    long position = slotStart + (long)l * stride;
                    float* weights = scores + l * HalfLanes;
                    a0 = Vector256.FusedMultiplyAdd(T.LoadHalf(values, position + k0), Vector256.Create(weights[0]), a0);
                    a1 = Vector256.FusedMultiplyAdd(T.LoadHalf(values, position + k1), Vector256.Create(weights[1]), a1);
                    a2 = Vector256.FusedMultiplyAdd(T.LoadHalf(values, position + k2), Vector256.Create(weights[2]), a2);
                    a3 = Vector256.FusedMultiplyAdd(T.LoadHalf(values, position + k3), Vector256.Create(weights[3]), a3);
                    a4 = Vector256.FusedMultiplyAdd(T.LoadHalf(values, position + k4), Vector256.Create(weights[4]), a4);
                    a5 = Vector256.FusedMultiplyAdd(T.LoadHalf(values, position + k5), Vector256.Create(weights[5]), a5);
                    a6 = Vector256.FusedMultiplyAdd(T.LoadHalf(values, position + k6), Vector256.Create(weights[6]), a6);
                    a7 = Vector256.FusedMultiplyAdd(T.LoadHalf(values, position + k7), Vector256.Create(weights[7]), a7);
                }
                var inverse = Vector256<float>.One / total;
                (a0 * inverse.GetElement(0)).Store(outputs);
                (a1 * inverse.GetElement(1)).Store(outputs + 8);
                (a2 * inverse.GetElement(2)).Store(outputs + 16);
                (a3 * inverse.GetElement(3)).Store(outputs + 24);
                (a4 * inverse.GetElement(4)).Store(outputs + 32);
                (a5 * inverse.GetElement(5)).Store(outputs + 40);
                (a6 * inverse.GetElement(6)).Store(outputs + 48);
                (a7 * inverse.GetElement(7)).Store(outputs + 56);
            }
        }
    }
}
