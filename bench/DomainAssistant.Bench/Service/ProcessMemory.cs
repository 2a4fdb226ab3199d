using System.Globalization;

namespace DomainAssistant.Bench.Service;

/// <summary>Another process's resident memory now (VmRSS) and at its peak (VmHWM), from /proc/{pid}/status, in MiB.</summary>
public static class ProcessMemory
{
    public static (double Resident, double Peak) MiB(int processId)
    {
        double resident = double.NaN, peak = double.NaN;
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) resident = Kilobytes(line) / 1024.0;
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kilobytes(line) / 1024.0;
        }
        return (resident, peak);
    }

    static long Kilobytes(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
