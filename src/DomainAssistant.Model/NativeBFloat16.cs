namespace DomainAssistant.Model;

/// <summary>
/// Whether this CPU multiplies bfloat16 in hardware (x86's AVX-512 BF16 or AMX-BF16, Arm's BF16 extension), read from
/// the kernel's CPU flags on Linux. Without it libtorch's bf16 products are emulated and run many times slower than
/// float32 (docs/training.md, "Precision"), so training defaults to float32 there and the host warns about a bf16 model.
/// </summary>
public static class NativeBFloat16
{
    /// <summary>True where the CPU has native bf16 products; false where it has not, or where it cannot be told
    /// (other operating systems): float32 is never the slow choice.</summary>
    public static bool OnThisCpu { get; } = Detect("/proc/cpuinfo");

    /// <summary>Reads a cpuinfo file's flag lines ("flags" on x86, "Features" on Arm).</summary>
    internal static bool Detect(string cpuinfo)
    {
        if (!File.Exists(cpuinfo)) return false;
        try
        {
            foreach (var line in File.ReadLines(cpuinfo))
            {
                if (!line.StartsWith("flags", StringComparison.Ordinal) && !line.StartsWith("Features", StringComparison.Ordinal)) continue;
                var flags = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return flags.Any(flag => flag is "avx512_bf16" or "amx_bf16" or "bf16");
            }
        }
        catch (IOException)
        {
            // Unreadable: treat as unknown.
        }
        catch (UnauthorizedAccessException)
        {
        }
        return false;
    }
}
