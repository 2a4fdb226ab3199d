using System.Text.Json;
using DomainAssistant.Model.Tests.Tokenization.Reference;
using DomainAssistant.Model.Tokenization.Jinja;

namespace DomainAssistant.Model.Tests.Tokenization;

/// <summary>
/// Each construct of Reference/jinja-cases.json (conditionals, loops and their variables, whitespace control,
/// namespace, slicing, tests, filters, tojson, string methods, macros, loop controls, raise_exception) renders to
/// what @huggingface/jinja renders with the same variables.
/// </summary>
public class JinjaTemplateReferenceTests
{
    public static TheoryData<string> Cases()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(HuggingFaceReferences.Folder, "jinja-cases.json")));
        return [.. document.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Renders_as_huggingface_jinja_does(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(HuggingFaceReferences.Folder, "jinja-cases.json")));
        var source = document.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("template").GetString()!;
        var context = (Dictionary<string, object?>)ToData(document.RootElement.GetProperty("context"))!;
        var reference = HuggingFaceReferences.Root.GetProperty("jinja").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var template = JinjaTemplate.Parse(source);

        if (reference.TryGetProperty("error", out var error))
            Assert.Equal(error.GetString(), Assert.Throws<JinjaRaisedException>(() => template.Render(context)).Message);
        else
            Assert.Equal(reference.GetProperty("text").GetString(), template.Render(context));
    }

    static object? ToData(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => ToData(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Select(ToData).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number when element.TryGetInt64(out var l) => l,
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
