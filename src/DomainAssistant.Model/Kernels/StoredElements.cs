using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DomainAssistant.Model.Kernels;

/// <summary>How a stored element type (of a KV cache or a weight) becomes 16 (or 8) float32 lanes.</summary>
internal interface IStoredElement
{
    /// <summary>Bytes of one stored element.</summary>
    static abstract int Bytes { get; }

    static abstract unsafe Vector512<float> Load(byte* start, long index);
    static abstract unsafe Vector256<float> LoadHalf(byte* start, long index);
}

internal readonly struct Float32Element : IStoredElement
{
    public static int Bytes => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<float> Load(byte* start, long index) => Vector512.Load((float*)start + index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> LoadHalf(byte* start, long index) => Vector256.Load((float*)start + index);
}

/// <summary>bf16 is the top half of a float32: widen each 16-bit value to 32 bits and shift it up.</summary>
internal readonly struct BFloat16Element : IStoredElement
{
    public static int Bytes => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<float> Load(byte* start, long index) =>
        Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512UInt32(Vector256.Load((ushort*)start + index)), 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> LoadHalf(byte* start, long index) =>
        Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(Vector128.Load((ushort*)start + index)), 16).AsSingle();
}
