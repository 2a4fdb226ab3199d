using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DomainAssistant.Model.Kernels;

/// <summary>Horizontal sums of several accumulators at once.</summary>
internal static class VectorSums
{
    /// <summary>
    /// [sum a, sum b, sum c, sum d] in 8 instructions: Vector512.Sum reduces one vector in about 25, which for a
    /// 288-wide product or a 64-wide attention head cost as much as the multiply loop itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> OfFour(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d) =>
        OfFour(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());

    /// <summary>[sum a, sum b, sum c, sum d] of four 8-float vectors in 4 instructions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> OfFour(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        var ab = Avx.HorizontalAdd(a, b);
        var cd = Avx.HorizontalAdd(c, d);
        var abcd = Avx.HorizontalAdd(ab, cd); // [a b c d] partial sums in each 128-bit half
        return abcd.GetLower() + abcd.GetUpper();
    }

    /// <summary>[sum v0, ..., sum v7] of eight 8-float vectors in 9 instructions (pairwise adds, then the two
    /// 128-bit halves of each partial sum brought together).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> OfEight(Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3,
        Vector256<float> v4, Vector256<float> v5, Vector256<float> v6, Vector256<float> v7)
    {
        var low = Avx.HorizontalAdd(Avx.HorizontalAdd(v0, v1), Avx.HorizontalAdd(v2, v3));  // [v0..v3 over lanes 0-3 | over lanes 4-7]
        var high = Avx.HorizontalAdd(Avx.HorizontalAdd(v4, v5), Avx.HorizontalAdd(v6, v7)); // the same for v4..v7
        return Avx.Permute2x128(low, high, 0x20) + Avx.Permute2x128(low, high, 0x31);
    }
}
