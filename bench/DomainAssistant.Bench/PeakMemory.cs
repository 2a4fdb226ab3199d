namespace DomainAssistant.Bench;

/// <summary>The process's peak resident memory (VmHWM), which is why each case runs in its own process.</summary>
public static class PeakMemory
{
    public static double MiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }
}
