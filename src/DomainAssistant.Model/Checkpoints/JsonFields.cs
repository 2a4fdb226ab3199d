using System.Text.Json;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>
/// Typed reads of a JSON object's fields, where a field that is missing or null takes the fallback and a field of the
/// wrong type is an <see cref="InvalidDataException"/> naming the file and the field.
/// </summary>
sealed class JsonFields(JsonElement element, string source)
{
    public string Source => source;

    public bool IsSet(string name) => Get(name) is not null;

    public JsonElement? Get(string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public int Int(string name) => Int(name, null) ?? throw Invalid($"'{name}' is missing");

    public int? Int(string name, int? fallback)
    {
        if (Get(name) is not { } value) return fallback;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result)
            ? result
            : throw Invalid($"'{name}' must be an integer, got {value.GetRawText()}");
    }

    public double Double(string name, double fallback)
    {
        if (Get(name) is not { } value) return fallback;
        return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw Invalid($"'{name}' must be a number, got {value.GetRawText()}");
    }

    public bool? Bool(string name)
    {
        if (Get(name) is not { } value) return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid($"'{name}' must be true or false, got {value.GetRawText()}"),
        };
    }

    public string? String(string name)
    {
        if (Get(name) is not { } value) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid($"'{name}' must be a string, got {value.GetRawText()}");
    }

    /// <summary>A token id that may also be written as a list of ids (eos_token_id in newer models): the first one is taken.</summary>
    public int? FirstInt(string name, int? fallback)
    {
        if (Get(name) is not { } value) return fallback;
        if (value.ValueKind != JsonValueKind.Array) return Int(name, fallback);
        foreach (var item in value.EnumerateArray())
            return item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out int first)
                ? first
                : throw Invalid($"'{name}' must hold integers, got {value.GetRawText()}");
        return fallback;
    }

    public InvalidDataException Invalid(string problem) => new($"Invalid '{source}': {problem}.");
}
