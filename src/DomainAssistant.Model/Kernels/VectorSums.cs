using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DomainAssistant.Model.Kernels;

/// <summary>Horizontal sums of several AVX-512 accumulators at once.</summary>
internal static class VectorSums
{
    /// <summary>
    /// [sum a, sum b, sum c, sum d] in 8 instructions: Vector512.Sum reduces one vector in about 25, which for a
    /// 288-wide product or a 64-wide attention head cost as much as the multiply loop itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> OfFour(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        var ab = Avx.HorizontalAdd(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper());
        var cd = Avx.HorizontalAdd(c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());
        var abcd = Avx.HorizontalAdd(ab, cd); // [a b c d] partial sums in each 128-bit half
        return abcd.GetLower() + abcd.GetUpper();
    }
}
