using System.Text.Json;
using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Grounding;

/// <summary>
/// One line of instruction data, as either a conversation or a raw document. Accepted shapes (first match wins):
/// <c>{"messages": [{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}, ...]}</c>;
/// <c>{"prompt": "...", "response": "..."}</c>; <c>{"question": "...", "answer": "..."}</c> (both with an optional
/// <c>"system"</c>); <c>{"text": "..."}</c> for continued pretraining. Other fields (id, source) are ignored.
/// </summary>
public sealed record InstructionRecord(IReadOnlyList<ChatMessage>? Messages, string? Text)
{
    /// <summary>Parses one JSONL line; throws <see cref="InvalidDataException"/> with the problem (no location: the caller adds it).</summary>
    /// <param name="line">The line's text.</param>
    /// <param name="systemPrompt">Put first in conversations that bring no system message of their own.</param>
    public static InstructionRecord Parse(string line, string? systemPrompt)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"not valid JSON ({error.Message})", error);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"expected a JSON object, got {root.ValueKind}");
            if (root.TryGetProperty("messages", out var messages)) return new(WithSystem(ReadMessages(messages), systemPrompt), null);
            var system = OptionalString(root, "system") ?? systemPrompt;
            if ((Pair(root, "prompt", "response") ?? Pair(root, "question", "answer")) is { } pair)
                return new(WithSystem([ChatMessage.User(pair.Prompt), ChatMessage.Assistant(pair.Response)], system), null);
            if (OptionalString(root, "text") is { } text)
                return text.Length > 0 ? new(null, text) : throw new InvalidDataException("\"text\" is empty");
            throw new InvalidDataException("none of \"messages\", \"prompt\"/\"response\", \"question\"/\"answer\" or \"text\"");
        }
    }

    static List<ChatMessage> ReadMessages(JsonElement messages)
    {
        if (messages.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"\"messages\" is {messages.ValueKind}, not an array");
        var turns = new List<ChatMessage>();
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"message {turns.Count + 1} is not an object");
            var role = OptionalString(message, "role");
            var content = OptionalString(message, "content");
            if (string.IsNullOrWhiteSpace(role) || content is null) throw new InvalidDataException($"message {turns.Count + 1} needs string \"role\" and \"content\"");
            turns.Add(new ChatMessage(role, content));
        }
        if (!turns.Any(t => t.Role == ChatRoles.Assistant && t.Content.Length > 0))
            throw new InvalidDataException("\"messages\" has no non-empty assistant turn to train on");
        return turns;
    }

    static (string Prompt, string Response)? Pair(JsonElement root, string promptField, string responseField)
    {
        var prompt = OptionalString(root, promptField);
        var response = OptionalString(root, responseField);
        if (prompt is null && response is null) return null;
        if (prompt is null || response is null) throw new InvalidDataException($"\"{promptField}\" and \"{responseField}\" must come together");
        if (response.Length == 0) throw new InvalidDataException($"\"{responseField}\" is empty");
        return (prompt, response);
    }

    static List<ChatMessage> WithSystem(List<ChatMessage> turns, string? system)
    {
        if (string.IsNullOrEmpty(system) || turns.Any(t => t.Role == ChatRoles.System)) return turns;
        return [ChatMessage.System(system), .. turns];
    }

    static string? OptionalString(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw new InvalidDataException($"\"{name}\" is {value.ValueKind}, not a string");
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException error)
        {
            // The parser accepts an escaped lone surrogate ("\ud800"); only reading it as a string fails.
            throw new InvalidDataException($"\"{name}\" is not valid Unicode text (a \\ud800-\\udfff escape without its pair)", error);
        }
    }
}
