using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Bench;

/// <summary>What this machine can do at best, measured in the same process so results can be given as ratios.</summary>
public sealed record MachineProfile(double MatmulFp32Gflops, double MatmulBf16Gflops, double MemoryReadGBps, int Threads)
{
    public static MachineProfile Measure()
    {
        using var _ = no_grad();
        return new MachineProfile(
            MatmulGflops(ScalarType.Float32),
            MatmulGflops(ScalarType.BFloat16),
            MeasureMemoryRead(),
            get_num_threads());
    }

    /// <summary>Best of several 1024^3 and 2048^3 products: the matmul peak that MFU is measured against.</summary>
    public static double MatmulGflops(ScalarType dtype)
    {
        double best = 0;
        foreach (int n in new[] { 1024, 2048 })
        {
            using var a = randn(n, n).to(dtype);
            using var b = randn(n, n).to(dtype);
            a.mm(b).Dispose(); // warm-up
            for (int i = 0; i < 3; i++)
            {
                var watch = Stopwatch.StartNew();
                a.mm(b).Dispose();
                best = Math.Max(best, 2.0 * n * n * n / watch.Elapsed.TotalSeconds / 1e9);
            }
        }
        return best;
    }

    /// <summary>Read bandwidth: summing a 512 MiB tensor touches every byte once.</summary>
    static double MeasureMemoryRead()
    {
        using var big = ones(128L * 1024 * 1024, dtype: ScalarType.Float32);
        big.sum().Dispose();
        double best = 0;
        for (int i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            big.sum().Dispose();
            best = Math.Max(best, big.NumberOfElements * 4.0 / watch.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }
}
