using System.Globalization;

namespace DomainAssistant.Bench.ScaleOut;

/// <summary>CPU time processes have used so far (user and system, from /proc), to charge a stretch of work to them.</summary>
public static class ProcessCpu
{
    // Linux reports /proc/PID/stat times in clock ticks of USER_HZ, 100 on every architecture .NET runs on.
    const double TicksPerSecond = 100;

    /// <summary>The process's own CPU seconds.</summary>
    public static double Seconds(int pid) => Fields(pid) is { } f ? (Ticks(f, 11) + Ticks(f, 12)) / TicksPerSecond : 0;

    /// <summary>
    /// A server's CPU seconds: its own, those of the children it runs now (PostgreSQL's backends) and those of the
    /// children it has reaped.
    /// </summary>
    public static double TreeSeconds(int pid)
    {
        if (Fields(pid) is not { } own) return 0;
        var total = Ticks(own, 11) + Ticks(own, 12) + Ticks(own, 13) + Ticks(own, 14);
        foreach (var child in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(child), CultureInfo.InvariantCulture, out var id) && Fields(id) is { } f
                && int.Parse(f[1], CultureInfo.InvariantCulture) == pid)
                total += Ticks(f, 11) + Ticks(f, 12);
        return total / TicksPerSecond;
    }

    /// <summary>The first process whose command name (/proc/PID/comm) is <paramref name="name"/>, or null.</summary>
    public static int? Find(string name)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var id) && Read(Path.Combine(dir, "comm"))?.Trim() == name)
                return id;
        return null;
    }

    // The fields after the command name (field 3, the state, first): the name is in parentheses and may hold spaces.
    static string[]? Fields(int pid) => Read($"/proc/{pid}/stat") is { } stat ? stat[(stat.LastIndexOf(')') + 2)..].Split(' ') : null;

    static long Ticks(string[] fields, int index) => long.Parse(fields[index], CultureInfo.InvariantCulture);

    // A process may end between listing and reading.
    static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
