using System.Text.Json;
using DomainAssistant.Model.Tests.Tokenization.Reference;
using DomainAssistant.Model.Tokenization.Jinja;

namespace DomainAssistant.Model.Tests.Tokenization;

/// <summary>
/// Meta's Llama 3.1 Instruct template (Reference/templates/llama3.1-instruct.json) on the branches plain chat does not
/// reach: builtin_tools (whose list goes through reject), custom tools in the first user message or in the system
/// message, a built-in tool call (&lt;|python_tag|&gt; ... &lt;|eom_id|&gt;), a JSON tool call and ipython/tool results.
/// @huggingface/jinja has no reject filter, so the expected texts are Python jinja2's, set up as transformers sets it
/// (Reference/llama3.1-tools.py wrote Reference/llama3.1-tools.json with jinja2 3.1.6).
/// </summary>
public class MetaLlama31ToolsTemplateTests
{
    public static TheoryData<string> Cases()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(HuggingFaceReferences.Folder, "llama3.1-tools.json")));
        return [.. document.RootElement.EnumerateObject().Select(c => c.Name)];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Renders_as_Python_jinja2_does(string name)
    {
        using var cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(HuggingFaceReferences.Folder, "llama3.1-tools.json")));
        using var spec = JsonDocument.Parse(File.ReadAllText(Path.Combine(HuggingFaceReferences.Folder, "templates", "llama3.1-instruct.json")));
        var reference = cases.RootElement.GetProperty(name);
        var context = (Dictionary<string, object?>)ToData(reference.GetProperty("context"))!;

        var rendered = JinjaTemplate.Parse(spec.RootElement.GetProperty("chat_template").GetString()!).Render(context);

        Assert.Equal(reference.GetProperty("text").GetString(), rendered);
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
