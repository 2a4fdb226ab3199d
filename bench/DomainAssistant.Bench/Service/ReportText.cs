using System.Globalization;

namespace DomainAssistant.Bench.Service;

/// <summary>How the service report writes shares, answers and the machine's load.</summary>
public static class ReportText
{
    /// <summary>The 1-minute load average (the machine is shared: a figure means little without it).</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    /// <summary><paramref name="part"/> of <paramref name="whole"/> as a whole percentage; "-" when <paramref name="whole"/> is 0.</summary>
    public static string Ratio(int part, int whole) => whole == 0 ? "-" : Percent((double)part / whole);

    /// <summary>"part/whole (NN%)".</summary>
    public static string Count(int part, int whole) => $"{part}/{whole} ({Ratio(part, whole)})";

    /// <summary>A fraction as a whole percentage.</summary>
    public static string Percent(double fraction) => (fraction * 100).ToString("F0", CultureInfo.InvariantCulture) + "%";

    /// <summary>An answer on one line, cut at 160 characters.</summary>
    public static string OneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length > 160 ? line[..160] + "…" : line;
    }
}
