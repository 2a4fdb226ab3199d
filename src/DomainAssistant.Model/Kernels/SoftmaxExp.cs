using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DomainAssistant.Model.Kernels;

/// <summary>
/// exp of softmax scores once their maximum is subtracted (every input at most 0), in float32 throughout and inlined
/// into the attention loops.
/// </summary>
/// <remarks>
/// Vector256.Exp and Vector512.Exp are calls into a generic routine that widens the floats to doubles and narrows the
/// result back. exp(x) = 2^n exp(r) with n = round(x / ln 2) and |r| at most ln 2 / 2, exp(r) from Cephes' degree-6
/// polynomial: within 2 float ulps of the exact value (tested against Math.Exp). Inputs below -87.3 (where float's
/// normal range ends), and minus infinity, give 0.
/// </remarks>
internal static class SoftmaxExp
{
    const float Lowest = -87.33654f; // ln(2^-126)
    const float Log2E = 1.44269504f;
    const float Ln2High = 0.693359375f; // ln 2 split in two, so n * Ln2High is exact for |n| <= 126
    const float Ln2Low = -2.12194440e-4f;

    /// <summary>exp of each lane of <paramref name="x"/>, whose lanes are at most 0 (or NaN-free minus infinity).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Of(Vector256<float> x)
    {
        var clamped = Vector256.Max(x, Vector256.Create(Lowest));
        var n = Vector256.Round(clamped * Vector256.Create(Log2E));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), clamped);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(1.9875691500e-4f), r, Vector256.Create(1.3981999507e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        var expR = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        var twoToN = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
        return Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(Lowest)), expR * twoToN, Vector256<float>.Zero);
    }

    /// <summary><see cref="Of(Vector256{float})"/> for 16 lanes, a half at a time (the softmax of wide heads spends
    /// little of its time here; one polynomial is one thing to get right).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Of(Vector512<float> x) => Vector512.Create(Of(x.GetLower()), Of(x.GetUpper()));
}
