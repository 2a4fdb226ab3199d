using System.Globalization;

namespace DomainAssistant.Model.Tokenization.Jinja;

/// <summary>The filters chat templates use (value | name(arguments)), with Jinja's meanings; any other is refused by name.</summary>
internal static class JinjaFilters
{
    public static object? Apply(string name, object? value, List<object?> args, Dictionary<string, object?> keywords, Func<string, object?, List<object?>, bool> test)
    {
        object? Arg(int index, string keyword, object? fallback) =>
            keywords.TryGetValue(keyword, out var k) ? k : index < args.Count ? args[index] : fallback;

        switch (name)
        {
            case "trim": return JinjaMethods.Strip(Text(value, name), Arg(0, "chars", null) as string, true, true);
            case "upper": return Text(value, name).ToUpperInvariant();
            case "lower": return Text(value, name).ToLowerInvariant();
            case "title": return JinjaMethods.Title(Text(value, name));
            case "capitalize": return JinjaMethods.Capitalize(Text(value, name));
            case "string": return JinjaValues.ToText(value);
            case "safe": return value;
            case "length" or "count": return (long)Length(value);
            case "first": return FirstOrLast(value, first: true);
            case "last": return FirstOrLast(value, first: false);
            case "list": return JinjaValues.Iterate(value).ToList();
            case "reverse": return value is string text ? string.Concat(text.EnumerateRunes().Reverse()) : Enumerable.Reverse(JinjaValues.Iterate(value)).ToList();
            case "join":
                return string.Join(Arg(0, "d", "") as string ?? "", JinjaValues.Iterate(value).Select(v =>
                    Arg(1, "attribute", null) is string attribute ? JinjaValues.ToText(Attribute(v, attribute)) : JinjaValues.ToText(v)));
            case "default" or "d":
                var useOnFalse = JinjaValues.IsTrue(Arg(1, "boolean", false));
                return value is Undefined || (useOnFalse && !JinjaValues.IsTrue(value)) ? Arg(0, "default_value", "") : value;
            case "tojson":
                var indent = Arg(0, "indent", null);
                return JinjaValues.ToJson(value, indent is null ? null : (int)(long)indent, JinjaValues.IsTrue(Arg(1, "sort_keys", false)));
            case "items":
                return value is OrderedDictionary<string, object?> dict
                    ? dict.Select(kv => (object?)new List<object?> { kv.Key, kv.Value }).ToList()
                    : throw new JinjaException($"items needs a mapping, not {JinjaValues.Describe(value)}.");
            case "replace":
                var count = Arg(2, "count", null);
                return JinjaMethods.Find(Text(value, name), "replace")!.Invoke(count is null ? [args[0], args[1]] : [args[0], args[1], count], []);
            case "int": return ToInteger(value, Arg(0, "default", 0L));
            case "float": return value switch { long l => (double)l, double d => d, string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d, _ => Arg(0, "default", 0.0) };
            case "abs": return value switch { long l => (object)Math.Abs(l), double d => Math.Abs(d), _ => throw new JinjaException("abs needs a number.") };
            case "indent": return Indent(Text(value, name), Arg(0, "width", 4L), JinjaValues.IsTrue(Arg(1, "first", false)), JinjaValues.IsTrue(Arg(2, "blank", false)));
            case "selectattr" or "rejectattr":
                var attributeName = Arg(0, "attribute", null) as string ?? throw new JinjaException($"{name} needs an attribute name.");
                var keep = name == "selectattr";
                return JinjaValues.Iterate(value).Where(item =>
                {
                    var attribute = Attribute(item, attributeName);
                    var passes = args.Count > 1 ? test((string)args[1]!, attribute, [.. args.Skip(2)]) : JinjaValues.IsTrue(attribute);
                    return passes == keep;
                }).ToList();
            case "select" or "reject":
                // jinja2's select/reject: the first argument names a test and the rest are its arguments; without
                // one, each item's truthiness decides (Llama 3.1's template drops code_interpreter with reject).
                var selects = name == "select";
                return JinjaValues.Iterate(value).Where(item =>
                {
                    var passes = args.Count > 0
                        ? test(args[0] as string ?? throw new JinjaException($"{name} needs a test name, not {JinjaValues.Describe(args[0])}."), item, [.. args.Skip(1)])
                        : JinjaValues.IsTrue(item);
                    return passes == selects;
                }).ToList();
            case "map":
                if (Arg(-1, "attribute", null) is string mapped) return JinjaValues.Iterate(value).Select(item => Attribute(item, mapped)).ToList();
                if (args.Count > 0 && args[0] is string filter) return JinjaValues.Iterate(value).Select(item => Apply(filter, item, [.. args.Skip(1)], [], test)).ToList();
                throw new JinjaException("map needs attribute= or a filter name.");
            case "unique":
                var seen = new List<object?>();
                foreach (var item in JinjaValues.Iterate(value)) if (!seen.Any(s => JinjaValues.Equals(s, item))) seen.Add(item);
                return seen;
            default:
                throw new JinjaException($"the filter '{name}' is not supported.");
        }
    }

    static string Text(object? value, string filter) =>
        value as string ?? (value is Undefined ? "" : throw new JinjaException($"{filter} needs a string, not {JinjaValues.Describe(value)}."));

    static int Length(object? value) => value switch
    {
        string s => s.EnumerateRunes().Count(),
        List<object?> list => list.Count,
        OrderedDictionary<string, object?> dict => dict.Count,
        JinjaNamespace ns => ns.Values.Count,
        _ => throw new JinjaException($"length needs a string, list or mapping, not {JinjaValues.Describe(value)}."),
    };

    static object? FirstOrLast(object? value, bool first)
    {
        var items = JinjaValues.Iterate(value);
        if (items.Count == 0) return new Undefined(first ? "first" : "last");
        return first ? items[0] : items[^1];
    }

    /// <summary>An item's attribute or key, as Jinja's attribute lookup does for the filters that take attribute=.</summary>
    public static object? Attribute(object? item, string name)
    {
        object? current = item;
        foreach (var part in name.Split('.'))
            current = current switch
            {
                OrderedDictionary<string, object?> dict => dict.TryGetValue(part, out var v) ? v : new Undefined(part),
                JinjaNamespace ns => ns.Values.TryGetValue(part, out var v) ? v : new Undefined(part),
                List<object?> list when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < list.Count => list[i],
                _ => new Undefined(part),
            };
        return current;
    }

    static object? ToInteger(object? value, object? fallback) => value switch
    {
        long l => (object)l,
        double d => (long)Math.Truncate(d),
        bool b => b ? 1L : 0L,
        string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => (long)Math.Truncate(d),
        _ => fallback,
    };

    static string Indent(string text, object? width, bool first, bool blank)
    {
        var prefix = width is string s ? s : new string(' ', (int)(long)width!);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if ((i > 0 || first) && (blank || lines[i].Length > 0)) lines[i] = prefix + lines[i];
        return string.Join('\n', lines);
    }
}
