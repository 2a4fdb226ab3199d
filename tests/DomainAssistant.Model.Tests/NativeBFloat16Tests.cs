using DomainAssistant.Model;

namespace DomainAssistant.Model.Tests;

public sealed class NativeBFloat16Tests : IDisposable
{
    readonly string _file = Path.Combine(Path.GetTempPath(), $"da-cpuinfo-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_file);

    bool Detect(string text)
    {
        File.WriteAllText(_file, text);
        return NativeBFloat16.Detect(_file);
    }

    [Fact]
    public void An_x86_cpu_with_avx512_bf16_or_amx_bf16_multiplies_bf16_natively()
    {
        Assert.True(Detect("processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 avx2 fma avx512f avx512_bf16 avx512vl\n"));
        Assert.True(Detect("processor\t: 0\nflags\t\t: fpu avx2 amx_bf16 amx_tile\n"));
    }

    [Fact]
    public void An_x86_cpu_with_avx2_or_avx512_alone_does_not()
    {
        // The flags of this project's AVX2-only EPYC, and of an AVX-512 CPU without its BF16 extension.
        Assert.False(Detect("processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma bmi2\n"));
        Assert.False(Detect("processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512bw avx512vl avx512_vnni\n"));
    }

    [Fact]
    public void An_arm_cpu_says_so_in_its_features_line()
    {
        Assert.True(Detect("processor\t: 0\nFeatures\t: fp asimd sve bf16 i8mm\n"));
        Assert.False(Detect("processor\t: 0\nFeatures\t: fp asimd crc32\n"));
    }

    [Fact]
    public void A_missing_file_is_unknown_and_reads_as_no()
    {
        Assert.False(NativeBFloat16.Detect(Path.Combine(Path.GetTempPath(), $"da-no-such-cpuinfo-{Guid.NewGuid():N}")));
    }
}
