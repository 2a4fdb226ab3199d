using System.Text.Json;
using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Alignment.Rloo;

/// <summary>One prompt to sample answers for: raw user text or a conversation, and how many chunks its context holds.</summary>
/// <param name="Text">Raw user text (the chat template is applied), or null when <paramref name="Messages"/> is given.</param>
/// <param name="Messages">A conversation to answer next, or null.</param>
/// <param name="Chunks">Context chunks a citation [n] may name (0 when the prompt carries none).</param>
/// <param name="Line">1-based line in the file.</param>
public sealed record RlPrompt(string? Text, IReadOnlyList<ChatMessage>? Messages, int Chunks, int Line);

/// <summary>
/// The prompts file of `da align rl`: JSON lines with "prompt" (raw user text) or "messages" ([{role, content}]), and
/// optionally "chunks" (how many retrieved chunks the prompt holds, or the list of their ids) for the citation rule.
/// A malformed line refuses the file, naming file and line.
/// </summary>
public static class PromptFile
{
    public static IReadOnlyList<RlPrompt> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"prompts file not found: {path}", path);
        var prompts = new List<RlPrompt>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            prompts.Add(Parse(line, path, number));
        }
        if (prompts.Count == 0) throw new InvalidDataException($"{path}: no prompts.");
        return prompts;
    }

    static RlPrompt Parse(string line, string path, int number)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Problem(path, number, "not a JSON object");
            var chunks = root.TryGetProperty("chunks", out var c) ? c.ValueKind switch
            {
                JsonValueKind.Number when c.TryGetInt32(out var n) && n >= 0 => n,
                JsonValueKind.Array => c.GetArrayLength(),
                _ => throw Problem(path, number, "\"chunks\" must be a count or an array of chunk ids"),
            } : 0;
            if (root.TryGetProperty("prompt", out var p) && p.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(p.GetString()))
                return new RlPrompt(p.GetString(), null, chunks, number);
            if (root.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Array && m.GetArrayLength() > 0)
                return new RlPrompt(null, [.. m.EnumerateArray().Select(x => Message(x, path, number))], chunks, number);
            throw Problem(path, number, "needs a non-empty \"prompt\" string or \"messages\" array");
        }
        catch (JsonException error)
        {
            throw Problem(path, number, $"not JSON ({error.Message})");
        }
    }

    static ChatMessage Message(JsonElement message, string path, int number)
    {
        if (message.ValueKind != JsonValueKind.Object
            || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String
            || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
            throw Problem(path, number, "every message needs \"role\" and \"content\" strings");
        return new ChatMessage(role.GetString()!, content.GetString()!);
    }

    static InvalidDataException Problem(string path, int number, string problem) => new($"{path}:{number}: {problem}.");
}
