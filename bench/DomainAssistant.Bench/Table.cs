using System.Globalization;
using System.Text;

namespace DomainAssistant.Bench;

/// <summary>A Markdown table: printed to the terminal and pasted as-is into bench/RESULTS.md.</summary>
public sealed class Table(params string[] headers)
{
    readonly List<string[]> _rows = [];

    public void Add(params object[] cells) =>
        _rows.Add(cells.Select(c => c switch
        {
            double d => d.ToString(d >= 100 ? "F0" : d >= 10 ? "F1" : "F2", CultureInfo.InvariantCulture),
            float f => f.ToString("F2", CultureInfo.InvariantCulture),
            _ => Convert.ToString(c, CultureInfo.InvariantCulture) ?? "",
        }).ToArray());

    public override string ToString()
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        void Line(IEnumerable<string> cells) => text.Append("| ").AppendJoin(" | ", cells.Select((c, i) => c.PadRight(widths[i]))).AppendLine(" |");
        Line(headers);
        Line(widths.Select(w => new string('-', w)));
        foreach (var row in _rows) Line(row);
        return text.ToString();
    }
}
