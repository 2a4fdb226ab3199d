using System.Globalization;
using System.Text;

namespace DomainAssistant.Model.Tokenization.Jinja;

/// <summary>The Python methods templates call on strings (strip, split, startswith, ...) and mappings (items, get, ...).</summary>
internal static class JinjaMethods
{
    public static JinjaFunction? Find(object? target, string name) => target switch
    {
        string s => StringMethod(s, name),
        OrderedDictionary<string, object?> dict => DictMethod(dict, name),
        _ => null,
    };

    static JinjaFunction? StringMethod(string s, string name) => name switch
    {
        "strip" => Method(name, args => Strip(s, Chars(args), true, true)),
        "lstrip" => Method(name, args => Strip(s, Chars(args), true, false)),
        "rstrip" => Method(name, args => Strip(s, Chars(args), false, true)),
        "startswith" => Method(name, args => Prefixes(args).Any(p => s.StartsWith(p, StringComparison.Ordinal))),
        "endswith" => Method(name, args => Prefixes(args).Any(p => s.EndsWith(p, StringComparison.Ordinal))),
        "split" => Method(name, args => Split(s, args.Count > 0 ? args[0] as string : null, args.Count > 1 ? (long)args[1]! : -1)),
        "replace" => Method(name, args => Replace(s, Text(args, 0), Text(args, 1), args.Count > 2 ? (long)args[2]! : -1)),
        "upper" => Method(name, _ => s.ToUpperInvariant()),
        "lower" => Method(name, _ => s.ToLowerInvariant()),
        "title" => Method(name, _ => Title(s)),
        "capitalize" => Method(name, _ => Capitalize(s)),
        "find" => Method(name, args => (long)s.IndexOf(Text(args, 0), StringComparison.Ordinal)),
        "count" => Method(name, args => (long)CountOf(s, Text(args, 0))),
        "join" => Method(name, args => string.Join(s, JinjaValues.Iterate(args[0]).Select(JinjaValues.ToText))),
        "isdigit" => Method(name, _ => s.Length > 0 && s.All(char.IsDigit)),
        "isspace" => Method(name, _ => s.Length > 0 && s.All(char.IsWhiteSpace)),
        _ => null,
    };

    static JinjaFunction? DictMethod(OrderedDictionary<string, object?> dict, string name) => name switch
    {
        "items" => Method(name, _ => dict.Select(kv => (object?)new List<object?> { kv.Key, kv.Value }).ToList()),
        "keys" => Method(name, _ => dict.Keys.Select(k => (object?)k).ToList()),
        "values" => Method(name, _ => dict.Values.ToList()),
        "get" => Method(name, args => dict.TryGetValue(Text(args, 0), out var value) ? value : args.Count > 1 ? args[1] : null),
        _ => null,
    };

    static JinjaFunction Method(string name, Func<List<object?>, object?> body) => new(name, (args, _) => body(args));

    static string Text(List<object?> args, int index) =>
        index < args.Count && args[index] is string s ? s : throw new JinjaException($"argument {index + 1} is not a string.");

    static string? Chars(List<object?> args) => args.Count > 0 ? args[0] as string : null;

    static IEnumerable<string> Prefixes(List<object?> args) => args[0] switch
    {
        string s => [s],
        List<object?> list => list.Select(v => v as string ?? throw new JinjaException("startswith/endswith take strings.")),
        var other => throw new JinjaException($"startswith/endswith take strings, not {JinjaValues.Describe(other)}."),
    };

    /// <summary>Python's strip: whitespace, or any of <paramref name="chars"/>.</summary>
    public static string Strip(string s, string? chars, bool left, bool right)
    {
        bool Strips(char c) => chars is null ? char.IsWhiteSpace(c) : chars.Contains(c, StringComparison.Ordinal);
        var (start, end) = (0, s.Length);
        if (left) while (start < end && Strips(s[start])) start++;
        if (right) while (end > start && Strips(s[end - 1])) end--;
        return s[start..end];
    }

    // Python's split: on runs of whitespace (ends ignored) without a separator, else on each separator.
    static List<object?> Split(string s, string? separator, long maxSplit)
    {
        if (separator is null)
        {
            var words = s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (maxSplit < 0 || words.Length <= maxSplit) return [.. words];
            var parts = new List<object?>();
            var rest = s.TrimStart();
            for (var i = 0; i < maxSplit; i++)
            {
                var cut = rest.IndexOfAny([' ', '\t', '\n', '\r', '\f', '\v']);
                parts.Add(rest[..cut]);
                rest = rest[cut..].TrimStart();
            }
            parts.Add(rest);
            return parts;
        }
        if (separator.Length == 0) throw new JinjaException("split's separator is empty.");
        return [.. (maxSplit < 0 ? s.Split(separator) : s.Split(separator, (int)maxSplit + 1))];
    }

    static string Replace(string s, string old, string replacement, long count)
    {
        if (count < 0) return old.Length == 0 ? string.Join(replacement, ["", .. s.EnumerateRunes().Select(r => r.ToString()), ""]) : s.Replace(old, replacement, StringComparison.Ordinal);
        var text = new StringBuilder();
        var position = 0;
        for (var done = 0; done < count; done++)
        {
            var found = s.IndexOf(old, position, StringComparison.Ordinal);
            if (found < 0 || old.Length == 0) break;
            text.Append(s, position, found - position).Append(replacement);
            position = found + old.Length;
        }
        return text.Append(s, position, s.Length - position).ToString();
    }

    static int CountOf(string s, string part)
    {
        if (part.Length == 0) return s.Length + 1;
        var (count, position) = (0, 0);
        while ((position = s.IndexOf(part, position, StringComparison.Ordinal)) >= 0) { count++; position += part.Length; }
        return count;
    }

    /// <summary>Python's title(): a letter after a non-letter is upper-cased, other letters lower-cased.</summary>
    public static string Title(string s)
    {
        var text = new StringBuilder(s.Length);
        var previousIsLetter = false;
        foreach (var c in s)
        {
            text.Append(previousIsLetter ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousIsLetter = char.IsLetter(c);
        }
        return text.ToString();
    }

    public static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]).ToString(CultureInfo.InvariantCulture) + s[1..].ToLowerInvariant();
}
