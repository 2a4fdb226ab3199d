using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace DomainAssistant.Api.Http;

/// <summary>
/// Reads a JSON string that may hold what no .NET string can: invalid UTF-8 bytes, or an escaped lone surrogate
/// (<c>"\ud800"</c>). The parser accepts both inside a document and only the read throws, so endpoints that keep raw
/// <see cref="JsonElement"/>s check their text through here and answer 400.
/// </summary>
public static class JsonText
{
    public const string Invalid = "is not valid Unicode text (it holds invalid UTF-8, or a \\ud800-\\udfff escape without its pair)";

    /// <summary>The string value; false when <paramref name="element"/> is a string that cannot be decoded.</summary>
    public static bool TryGetString(JsonElement element, [NotNullWhen(true)] out string? text)
    {
        text = null;
        if (element.ValueKind != JsonValueKind.String) return false;
        try
        {
            text = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            // GetString's only failure on a string element: the text cannot be transcoded to UTF-16.
            return false;
        }
    }

    /// <summary>Whether every string anywhere inside <paramref name="element"/> (values and property names) decodes.</summary>
    public static bool AllDecodable(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => TryGetString(element, out _),
        JsonValueKind.Array => element.EnumerateArray().All(AllDecodable),
        JsonValueKind.Object => element.EnumerateObject().All(p => NameDecodes(p) && AllDecodable(p.Value)),
        _ => true,
    };

    static bool NameDecodes(JsonProperty property)
    {
        try
        {
            _ = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
