using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DomainAssistant.Model.Kernels;

/// <summary>
/// The register width a small-batch kernel is compiled for: 16 float32 lanes where the machine has AVX-512, 8 where it
/// has AVX2 and FMA only (most desktop CPUs and many cloud machines). A kernel generic over a width struct is
/// specialised by the JIT for it, so each width runs its own straight-line code with these calls inlined.
/// </summary>
/// <typeparam name="TVector">The register type: Vector512&lt;float&gt; or Vector256&lt;float&gt;.</typeparam>
internal unsafe interface IVectorWidth<TVector> where TVector : struct
{
    /// <summary>float32 lanes in one register.</summary>
    static abstract int Lanes { get; }

    /// <summary>Whether this machine runs the width in hardware (with fused multiply-add).</summary>
    static abstract bool IsSupported { get; }

    static abstract TVector Load(float* source);

    static abstract void Store(TVector vector, float* target);

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TVector Create(float value);

    /// <summary><see cref="Lanes"/> stored elements from <paramref name="index"/> as float32.</summary>
    static abstract TVector Load<TElement>(byte* start, long index) where TElement : struct, IStoredElement;

    /// <summary>left * right + addend, rounded once.</summary>
    static abstract TVector MultiplyAdd(TVector left, TVector right, TVector addend);

    static abstract TVector Add(TVector left, TVector right);

    static abstract float Sum(TVector vector);

    /// <summary>[sum a, sum b, sum c, sum d].</summary>
    static abstract Vector128<float> SumOfFour(TVector a, TVector b, TVector c, TVector d);
}

/// <summary>16 lanes: AVX-512.</summary>
internal readonly unsafe struct Width16 : IVectorWidth<Vector512<float>>
{
    public static int Lanes => 16;

    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> vector, float* target) => vector.Store(target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Create(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load<TElement>(byte* start, long index) where TElement : struct, IStoredElement => TElement.Load(start, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) =>
        Vector512.FusedMultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> vector) => Vector512.Sum(vector);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SumOfFour(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d) =>
        VectorSums.OfFour(a, b, c, d);
}

/// <summary>8 lanes: AVX2 with FMA.</summary>
internal readonly unsafe struct Width8 : IVectorWidth<Vector256<float>>
{
    public static int Lanes => 8;

    public static bool IsSupported => Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> vector, float* target) => vector.Store(target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Create(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load<TElement>(byte* start, long index) where TElement : struct, IStoredElement => TElement.LoadHalf(start, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) =>
        Vector256.FusedMultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> vector) => Vector256.Sum(vector);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SumOfFour(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d) =>
        VectorSums.OfFour(a, b, c, d);
}
