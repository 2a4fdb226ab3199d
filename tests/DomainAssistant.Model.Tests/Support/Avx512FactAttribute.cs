using System.Runtime.Intrinsics;

namespace DomainAssistant.Model.Tests.Support;

/// <summary>A fact that is skipped, with the reason, on a CPU without AVX-512 (whose kernels are then never used).</summary>
public sealed class Avx512FactAttribute : FactAttribute
{
    public Avx512FactAttribute() => Skip = Avx512.SkipReason;
}

/// <summary>A theory that is skipped, with the reason, on a CPU without AVX-512 (whose kernels are then never used).</summary>
public sealed class Avx512TheoryAttribute : TheoryAttribute
{
    public Avx512TheoryAttribute() => Skip = Avx512.SkipReason;
}

static class Avx512
{
    /// <summary>Null where the CPU accelerates 16-lane vectors, else why a test of the AVX-512 kernels cannot run.</summary>
    public static string? SkipReason => Vector512.IsHardwareAccelerated
        ? null
        : "Skipped: this CPU has no AVX-512, so the decoding kernels that use 16-lane vectors are off.";
}
