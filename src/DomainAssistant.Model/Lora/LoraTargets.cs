using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace DomainAssistant.Model.Lora;

/// <summary>
/// PEFT's target_modules: either a list of module names (a module matches when its path is the name or ends with
/// "." + name) or one string, which is "all-linear" or a regular expression the whole module path must match.
/// </summary>
[JsonConverter(typeof(LoraTargetsJsonConverter))]
public sealed record LoraTargets
{
    const string AllLinearKeyword = "all-linear";

    LoraTargets(IReadOnlyList<string>? names, string? pattern)
    {
        Names = names;
        Pattern = pattern;
    }

    /// <summary>Module names, or null when <see cref="Pattern"/> is used.</summary>
    public IReadOnlyList<string>? Names { get; }

    /// <summary>"all-linear" or a regular expression, or null when <see cref="Names"/> is used.</summary>
    public string? Pattern { get; }

    public static LoraTargets Of(params string[] names)
    {
        if (names is null || names.Length == 0 || names.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("target_modules needs at least one non-empty module name.", nameof(names));
        return new LoraTargets(names.ToArray(), null);
    }

    /// <summary>Every linear layer of the decoder (all but the output head), as PEFT's "all-linear".</summary>
    public static LoraTargets AllLinear { get; } = new(null, AllLinearKeyword);

    public static LoraTargets Matching(string pattern)
    {
        if (pattern == AllLinearKeyword) return AllLinear;
        _ = new Regex(pattern, RegexOptions.CultureInvariant); // fail now, with the pattern named, if it does not parse
        return new LoraTargets(null, pattern);
    }

    /// <summary>Whether the linear layer at <paramref name="modulePath"/> (e.g. model.layers.0.self_attn.q_proj) gets LoRA factors.</summary>
    public bool Matches(string modulePath)
    {
        if (Names is not null) return Names.Any(name => modulePath == name || modulePath.EndsWith("." + name, StringComparison.Ordinal));
        if (Pattern == AllLinearKeyword) return true;
        return Regex.IsMatch(modulePath, $"^(?:{Pattern})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    public bool Equals(LoraTargets? other) =>
        other is not null && Pattern == other.Pattern && (Names ?? []).SequenceEqual(other.Names ?? []);

    public override int GetHashCode() => HashCode.Combine(Pattern, Names is null ? 0 : string.Join("\n", Names).GetHashCode(StringComparison.Ordinal));

    public override string ToString() => Pattern ?? string.Join(", ", Names!);
}

/// <summary>Reads target_modules as a JSON list or string and writes it back the same way.</summary>
internal sealed class LoraTargetsJsonConverter : JsonConverter<LoraTargets>
{
    public override LoraTargets Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        try
        {
            return reader.TokenType switch
            {
                JsonTokenType.String => LoraTargets.Matching(reader.GetString()!),
                JsonTokenType.StartArray => LoraTargets.Of(JsonSerializer.Deserialize<string[]>(ref reader, options)!),
                _ => throw new JsonException($"target_modules must be a list of names or a string, not {reader.TokenType}."),
            };
        }
        catch (ArgumentException e)
        {
            throw new JsonException($"target_modules: {e.Message}", e);
        }
    }

    public override void Write(Utf8JsonWriter writer, LoraTargets value, JsonSerializerOptions options)
    {
        if (value.Pattern is not null)
        {
            writer.WriteStringValue(value.Pattern);
            return;
        }
        writer.WriteStartArray();
        foreach (var name in value.Names!) writer.WriteStringValue(name);
        writer.WriteEndArray();
    }
}
