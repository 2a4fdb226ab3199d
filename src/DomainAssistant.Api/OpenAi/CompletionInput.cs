using System.Text;
using System.Text.Json;
using DomainAssistant.Api.Chat;
using DomainAssistant.Api.Http;
using ModelChatMessage = DomainAssistant.Model.Tokenization.ChatMessage;
using DomainAssistant.Storage.PostgreSql;

namespace DomainAssistant.Api.OpenAi;

/// <summary>
/// An OpenAI request read as a grounded turn: the last message is the question (it must be the user's), earlier
/// user/assistant messages are history, system (and developer) messages become extra instructions after the domain's.
/// </summary>
public sealed record CompletionInput(string Question, IReadOnlyList<ModelChatMessage> History, string? Instructions, SamplingOverrides Sampling)
{
    /// <summary>Most messages in one request (history included).</summary>
    public const int MaxMessages = 256;

    /// <summary>Longest text of any one message; the question itself is capped lower (<see cref="ChatApi.MaxMessageLength"/>).</summary>
    public const int MaxContentLength = 32_000;

    /// <summary>Longest <c>model</c> and <c>user</c>.</summary>
    public const int MaxNameLength = 128;

    /// <summary>Most stop sequences, and the longest (OpenAI's own limit is four).</summary>
    public const int MaxStops = 4, MaxStopLength = 64;

    /// <summary>The turn, or null when the messages cannot make one (see <see cref="Problem"/>).</summary>
    public static CompletionInput? Read(CompletionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Problem(request) is { Length: > 0 }) return null;
        var messages = request.Messages!;
        var instructions = string.Join("\n\n", messages.Where(m => m.Role is "system" or "developer").Select(m => Text(m.Content)).Where(t => t.Length > 0));
        var history = messages.Take(messages.Count - 1).Where(m => m.Role is "user" or "assistant").Select(m => new ModelChatMessage(m.Role!, Text(m.Content))).ToList();
        var sampling = new SamplingOverrides(request.Temperature, request.TopP, request.MaxCompletionTokens ?? request.MaxTokens,
            request.Seed is { } seed ? unchecked((int)seed) : null, Stops(request.Stop));
        return new CompletionInput(Text(messages[^1].Content).Trim(), history, instructions.Length > 0 ? instructions : null, sampling);
    }

    /// <summary>What is wrong with the request's messages and options; empty when nothing is.</summary>
    public static string Problem(CompletionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Messages is not { Count: > 0 } messages) return "messages must be a non-empty list.";
        if (messages.Count > MaxMessages) return $"messages may hold at most {MaxMessages} messages.";
        // JSON null inside the list arrives as a null entry, whatever the list's declared type.
        if (messages.FindIndex(m => m is null) is var missing and >= 0) return $"messages[{missing}] must be an object with a role and content, not null.";
        if (TextProblem(messages) is { Length: > 0 } textProblem) return textProblem;
        if (request.Model is { Length: > MaxNameLength }) return $"model may be at most {MaxNameLength} characters.";
        if (request.User is { Length: > MaxNameLength }) return $"user may be at most {MaxNameLength} characters.";
        if (PostgresText.HasNul(request.User)) return $"user {PostgresText.NoNul}.";
        if (messages.Any(m => m.Role is not ("system" or "developer" or "user" or "assistant" or "tool")))
            return "every message needs a role: system, developer, user, assistant or tool.";
        if (messages[^1].Role != "user" || Text(messages[^1].Content).Trim().Length == 0) return "the last message must be a non-empty user message.";
        if (Text(messages[^1].Content).Length > ChatApi.MaxMessageLength) return $"the last message may be at most {ChatApi.MaxMessageLength} characters.";
        if (request.Temperature is < 0 or > 2) return "temperature must be between 0 and 2.";
        if (request.TopP is <= 0 or > 1) return "top_p must be in (0, 1].";
        if ((request.MaxCompletionTokens ?? request.MaxTokens) is < 1) return "max_tokens must be at least 1.";
        if (request.Stop is { ValueKind: not (JsonValueKind.String or JsonValueKind.Array or JsonValueKind.Null) }) return "stop must be a string or a list of strings.";
        if (request.Stop is { } stop && !JsonText.AllDecodable(stop)) return $"stop {JsonText.Invalid}.";
        if (Stops(request.Stop) is { } stops && (stops.Count > MaxStops || stops.Any(s => s.Length > MaxStopLength)))
            return $"stop may hold at most {MaxStops} sequences of at most {MaxStopLength} characters.";
        return "";
    }

    // Before any text is read: a message whose content cannot be decoded is the client's error, not the host's.
    static string TextProblem(List<RequestMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Content is not { } content) continue;
            if (!JsonText.AllDecodable(content)) return $"messages[{i}].content {JsonText.Invalid}.";
            var text = Text(content);
            if (text.Length > MaxContentLength) return $"messages[{i}].content may be at most {MaxContentLength} characters.";
            // Stored with the answer's lineage: in the scale-out mode it would fail like an outage.
            if (PostgresText.HasNul(text)) return $"messages[{i}].content {PostgresText.NoNul}.";
        }
        return "";
    }

    /// <summary>A message's text: the string itself, or its "text" parts joined.</summary>
    static string Text(JsonElement? content)
    {
        if (content is not { } value) return "";
        if (value.ValueKind == JsonValueKind.String) return value.GetString() ?? "";
        if (value.ValueKind != JsonValueKind.Array) return "";
        var text = new StringBuilder();
        foreach (var part in value.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                && type.GetString() == "text" && part.TryGetProperty("text", out var piece) && piece.ValueKind == JsonValueKind.String)
                text.Append(piece.GetString());
        }
        return text.ToString();
    }

    static IReadOnlyList<string>? Stops(JsonElement? stop) => stop switch
    {
        { ValueKind: JsonValueKind.String } one => [one.GetString()!],
        { ValueKind: JsonValueKind.Array } many => [.. many.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)],
        _ => null,
    };
}
