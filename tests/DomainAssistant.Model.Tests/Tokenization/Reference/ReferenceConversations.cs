using System.Text.Json;
using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Model.Tests.Tokenization.Reference;

/// <summary>The conversations of conversations.json by name, as the reference renderings name them.</summary>
static class ReferenceConversations
{
    static readonly Lazy<Dictionary<string, ChatMessage[]>> All = new(Read);

    public static ChatMessage[] Get(string name) => All.Value[name];

    static Dictionary<string, ChatMessage[]> Read()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(HuggingFaceReferences.Folder, "conversations.json")));
        return document.RootElement.EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => c.GetProperty("messages").EnumerateArray()
                .Select(m => new ChatMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!))
                .ToArray());
    }
}
