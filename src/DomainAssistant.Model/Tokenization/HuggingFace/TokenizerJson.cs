using System.Text.Json;
using System.Text.RegularExpressions;

namespace DomainAssistant.Model.Tokenization.HuggingFace;

/// <summary>Reading helpers shared by the tokenizer.json component readers; every problem is an InvalidDataException.</summary>
internal static class TokenizerJson
{
    public static string TypeOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out var type) && type.GetString() is { } name
            ? name : throw new InvalidDataException($"a component has no type: {Excerpt(element)}");

    public static JsonElement Property(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) ? value : throw new InvalidDataException($"'{name}' is missing in {Excerpt(parent)}.");

    public static bool Bool(JsonElement parent, string name, bool fallback) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : fallback;

    public static string String(JsonElement parent, string name) =>
        Property(parent, name).GetString() ?? throw new InvalidDataException($"'{name}' is not a string.");

    public static string? OptionalString(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static IEnumerable<JsonElement> Array(JsonElement parent, string name)
    {
        var value = Property(parent, name);
        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : throw new InvalidDataException($"'{name}' is not an array.");
    }

    /// <summary>
    /// A pattern given as {"String": "..."} (matched literally) or {"Regex": "..."} (Oniguruma syntax in Hugging Face;
    /// the patterns that tokenizers ship use only what .NET's engine reads the same way).
    /// </summary>
    public static Regex Pattern(JsonElement parent, string name)
    {
        var pattern = Property(parent, name);
        if (pattern.TryGetProperty("String", out var literal)) return Compile(Regex.Escape(literal.GetString() ?? ""));
        if (pattern.TryGetProperty("Regex", out var regex)) return Compile(regex.GetString() ?? "");
        throw new InvalidDataException($"'{name}' has neither String nor Regex: {Excerpt(pattern)}");
    }

    static Regex Compile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"pattern '{pattern}' is not a .NET regex: {ex.Message}");
        }
    }

    /// <summary>A component as one line for `da inspect`: its type, a Sequence's steps in brackets, a Split's behaviour.</summary>
    public static string Describe(JsonElement component)
    {
        if (component.ValueKind != JsonValueKind.Object) return "none";
        var type = OptionalString(component, "type") ?? "?";
        foreach (var list in (string[])["normalizers", "pretokenizers", "processors", "decoders"])
            if (component.TryGetProperty(list, out var steps) && steps.ValueKind == JsonValueKind.Array)
                return $"{type}[{string.Join(", ", steps.EnumerateArray().Select(Describe))}]";
        return type switch
        {
            "Split" => $"Split({OptionalString(component, "behavior") ?? "Isolated"}{(Bool(component, "invert", false) ? ", inverted" : "")})",
            "Digits" => Bool(component, "individual_digits", false) ? "Digits(individual)" : "Digits",
            "ByteLevel" => $"ByteLevel(add_prefix_space={Bool(component, "add_prefix_space", true).ToString().ToLowerInvariant()}, use_regex={Bool(component, "use_regex", true).ToString().ToLowerInvariant()})",
            "Metaspace" => $"Metaspace({OptionalString(component, "prepend_scheme") ?? "always"})",
            _ => type,
        };
    }

    public static string Excerpt(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length <= 120 ? text : text[..120] + "...";
    }
}
