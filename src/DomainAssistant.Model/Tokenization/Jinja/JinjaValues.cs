using System.Collections;
using System.Globalization;
using System.Text;

namespace DomainAssistant.Model.Tokenization.Jinja;

/// <summary>A name that has no value: prints as nothing, is false, iterates as empty, and fails on any other use (Jinja's default Undefined).</summary>
internal sealed class Undefined(string name)
{
    public string Name { get; } = name;
}

/// <summary>namespace(...): the one object a template may change from inside a loop.</summary>
internal sealed class JinjaNamespace(OrderedDictionary<string, object?> values)
{
    public OrderedDictionary<string, object?> Values { get; } = values;
}

/// <summary>A callable value: a global (raise_exception, range, namespace), a bound string or dict method, or a macro.</summary>
internal sealed class JinjaFunction(string name, Func<List<object?>, Dictionary<string, object?>, object?> invoke)
{
    public string Name { get; } = name;

    public object? Invoke(List<object?> arguments, Dictionary<string, object?> keywords) => invoke(arguments, keywords);
}

/// <summary>
/// Python's view of template values, which Jinja inherits: none is null, numbers are long or double, sequences are
/// List&lt;object?&gt;, mappings OrderedDictionary&lt;string, object?&gt;.
/// </summary>
internal static class JinjaValues
{
    public static bool IsTrue(object? value) => value switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> list => list.Count > 0,
        OrderedDictionary<string, object?> dict => dict.Count > 0,
        _ => true,
    };

    /// <summary>Python's str(): what {{ value }} writes.</summary>
    public static string ToText(object? value) => value switch
    {
        Undefined => "",
        string s => s,
        _ => Repr(value, top: true),
    };

    /// <summary>Python's repr(), used inside lists and dicts (strings quoted).</summary>
    public static string Repr(object? value, bool top = false) => value switch
    {
        null => "None",
        Undefined => "",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FormatFloat(d),
        string s when top => s,
        string s => QuoteString(s),
        List<object?> list => "[" + string.Join(", ", list.Select(v => Repr(v))) + "]",
        OrderedDictionary<string, object?> dict => "{" + string.Join(", ", dict.Select(kv => QuoteString(kv.Key) + ": " + Repr(kv.Value))) + "}",
        JinjaNamespace => "<Namespace>",
        JinjaFunction f => $"<function {f.Name}>",
        _ => throw new JinjaException($"cannot print a {value.GetType().Name}."),
    };

    // Python's repr of a string: single quotes unless the text holds a single quote and no double one.
    static string QuoteString(string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var text = new StringBuilder().Append(quote);
        foreach (var c in s)
        {
            text.Append(c switch
            {
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c == quote => "\\" + c,
                _ => c.ToString(),
            });
        }
        return text.Append(quote).ToString();
    }

    /// <summary>Python's float repr: integral values keep ".0", others the shortest round-trip digits.</summary>
    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        if (d == Math.Floor(d) && Math.Abs(d) < 1e16) return d.ToString("F1", CultureInfo.InvariantCulture);
        return d.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
    }

    public static new bool Equals(object? left, object? right) => (left, right) switch
    {
        (null, null) => true,
        (Undefined, Undefined) => true,
        (bool a, bool b) => a == b,
        (long or double or bool, long or double or bool) => ToDouble(left) == ToDouble(right),
        (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
        (List<object?> a, List<object?> b) => a.Count == b.Count && a.Zip(b).All(p => Equals(p.First, p.Second)),
        (OrderedDictionary<string, object?> a, OrderedDictionary<string, object?> b) =>
            a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && Equals(kv.Value, v)),
        _ => ReferenceEquals(left, right),
    };

    public static double ToDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new JinjaException($"{Describe(value)} is not a number."),
    };

    public static int Compare(object? left, object? right) => (left, right) switch
    {
        (string a, string b) => string.CompareOrdinal(a, b),
        (long or double or bool, long or double or bool) => ToDouble(left).CompareTo(ToDouble(right)),
        _ => throw new JinjaException($"cannot compare {Describe(left)} with {Describe(right)}."),
    };

    /// <summary>The items a for loop or filter goes through: a list's items, a dict's keys, a string's characters; undefined is empty.</summary>
    public static List<object?> Iterate(object? value) => value switch
    {
        Undefined => [],
        List<object?> list => list,
        OrderedDictionary<string, object?> dict => [.. dict.Keys],
        string s => [.. s.EnumerateRunes().Select(r => (object?)r.ToString())],
        _ => throw new JinjaException($"{Describe(value)} cannot be iterated."),
    };

    public static string Describe(object? value) => value switch
    {
        null => "none",
        Undefined u => $"'{u.Name}' (undefined)",
        string => "a string",
        long or double => "a number",
        bool => "a boolean",
        List<object?> => "a list",
        OrderedDictionary<string, object?> => "a mapping",
        _ => "a " + value.GetType().Name,
    };

    /// <summary>Converts .NET data handed to a template (strings, numbers, lists, dictionaries) to template values.</summary>
    public static object? FromData(object? value) => value switch
    {
        null or string or bool or long or double or Undefined or JinjaNamespace or JinjaFunction => value,
        int i => (long)i,
        float f => (double)f,
        OrderedDictionary<string, object?> dict => dict,
        IDictionary<string, object?> dict => new OrderedDictionary<string, object?>(dict.Select(kv => KeyValuePair.Create(kv.Key, FromData(kv.Value)))),
        IEnumerable items => items.Cast<object?>().Select(FromData).ToList(),
        _ => throw new JinjaException($"a {value.GetType().Name} cannot be handed to a template."),
    };

    /// <summary>transformers' tojson: json.dumps with ensure_ascii=False; separators ", " and ": ", or "," with an indent.</summary>
    public static string ToJson(object? value, int? indent, bool sortKeys)
    {
        var text = new StringBuilder();
        WriteJson(text, value, indent, sortKeys, 0);
        return text.ToString();
    }

    static void WriteJson(StringBuilder text, object? value, int? indent, bool sortKeys, int depth)
    {
        switch (value)
        {
            case null or Undefined: text.Append("null"); return;
            case bool b: text.Append(b ? "true" : "false"); return;
            case long l: text.Append(l.ToString(CultureInfo.InvariantCulture)); return;
            case double d: text.Append(double.IsFinite(d) ? FormatFloat(d) : d > 0 ? "Infinity" : d < 0 ? "-Infinity" : "NaN"); return;
            case string s: WriteJsonString(text, s); return;
            case JinjaNamespace ns: WriteJson(text, ns.Values, indent, sortKeys, depth); return;
            case List<object?> list:
                WriteContainer(text, '[', ']', list.Select(item => (Action)(() => WriteJson(text, item, indent, sortKeys, depth + 1))).ToList(), indent, depth);
                return;
            case OrderedDictionary<string, object?> dict:
                var entries = sortKeys ? dict.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList() : [.. dict];
                WriteContainer(text, '{', '}', entries.Select(kv => (Action)(() =>
                {
                    WriteJsonString(text, kv.Key);
                    text.Append(": ");
                    WriteJson(text, kv.Value, indent, sortKeys, depth + 1);
                })).ToList(), indent, depth);
                return;
            default: throw new JinjaException($"{Describe(value)} cannot be written as JSON.");
        }
    }

    static void WriteContainer(StringBuilder text, char open, char close, List<Action> items, int? indent, int depth)
    {
        text.Append(open);
        if (items.Count == 0) { text.Append(close); return; }
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) text.Append(indent is null ? ", " : ",");
            if (indent is int width) text.Append('\n').Append(' ', width * (depth + 1));
            items[i]();
        }
        if (indent is int w) text.Append('\n').Append(' ', w * depth);
        text.Append(close);
    }

    static void WriteJsonString(StringBuilder text, string s)
    {
        text.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case < ' ': text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
                default: text.Append(c); break;
            }
        }
        text.Append('"');
    }
}
