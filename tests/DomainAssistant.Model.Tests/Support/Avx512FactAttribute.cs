using System.Runtime.Intrinsics;

namespace DomainAssistant.Model.Tests.Support;

/// <summary>A fact that is skipped, with the reason, on a CPU without AVX-512 (whose kernels are then never used).</summary>
public sealed class Avx512FactAttribute : FactAttribute
{
    public Avx512FactAttribute()
    {
        if (!Vector512.IsHardwareAccelerated)
            Skip = "Skipped: this CPU has no AVX-512, so the decoding kernels that use 16-lane vectors are off.";
    }
}
