using DomainAssistant.Storage.Conversations;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DomainAssistant.Api.OpenAi;

// The wire shapes of OpenAI's chat completions API (snake_case), as far as this host speaks it.

/// <summary>A chat completions request. <c>model</c> names a domain (see <c>GET /v1/models</c>).</summary>
public sealed record CompletionRequest
{
    [JsonPropertyName("model")] public string? Model { get; init; }
    [JsonPropertyName("messages")] public List<RequestMessage>? Messages { get; init; }
    [JsonPropertyName("stream")] public bool Stream { get; init; }
    [JsonPropertyName("temperature")] public float? Temperature { get; init; }
    [JsonPropertyName("top_p")] public float? TopP { get; init; }
    [JsonPropertyName("max_tokens")] public int? MaxTokens { get; init; }
    [JsonPropertyName("max_completion_tokens")] public int? MaxCompletionTokens { get; init; }
    [JsonPropertyName("seed")] public long? Seed { get; init; }

    /// <summary>A string or a list of strings.</summary>
    [JsonPropertyName("stop")] public JsonElement? Stop { get; init; }

    [JsonPropertyName("user")] public string? User { get; init; }
    [JsonPropertyName("stream_options")] public StreamOptions? StreamOptions { get; init; }

    /// <summary>Fields this host ignores (tools, n, logprobs...): accepted so existing clients work.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Other { get; init; }
}

public sealed record StreamOptions([property: JsonPropertyName("include_usage")] bool IncludeUsage);

/// <summary>A message: <c>content</c> is a string or a list of parts of which the "text" ones are read.</summary>
public sealed record RequestMessage
{
    [JsonPropertyName("role")] public string? Role { get; init; }
    [JsonPropertyName("content")] public JsonElement? Content { get; init; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Other { get; init; }
}

public sealed record Completion(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<CompletionChoice> Choices,
    [property: JsonPropertyName("usage")] Usage? Usage,
    [property: JsonPropertyName("domain_assistant")] AnswerLineage? DomainAssistant = null);

public sealed record CompletionChoice(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("message")] ResponseMessage Message,
    [property: JsonPropertyName("finish_reason")] string FinishReason);

public sealed record ResponseMessage([property: JsonPropertyName("role")] string Role, [property: JsonPropertyName("content")] string Content);

public sealed record CompletionChunk(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChunkChoice> Choices,
    [property: JsonPropertyName("usage")] Usage? Usage = null,
    [property: JsonPropertyName("domain_assistant")] AnswerLineage? DomainAssistant = null);

public sealed record ChunkChoice(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("delta")] Delta Delta,
    [property: JsonPropertyName("finish_reason")] string? FinishReason);

public sealed record Delta(
    [property: JsonPropertyName("role"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonPropertyName("content"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content);

public sealed record Usage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("completion_tokens")] int CompletionTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens);

/// <summary>
/// This host's extension: what the answer is stored as (feedback names <c>message_id</c>), the chunks its [n] markers
/// cite (<c>uncited</c> when none; <c>dropped_markers</c> counts numbers that named no chunk of the prompt).
/// </summary>
public sealed record AnswerLineage(
    [property: JsonPropertyName("message_id")] Guid MessageId,
    [property: JsonPropertyName("conversation_id")] Guid ConversationId,
    [property: JsonPropertyName("citations")] IReadOnlyList<CitationRecord> Citations,
    [property: JsonPropertyName("uncited")] bool Uncited,
    [property: JsonPropertyName("dropped_markers")] int DroppedMarkers,
    [property: JsonPropertyName("adapter")] string? Adapter,
    [property: JsonPropertyName("variant")] string? Variant);

public sealed record ModelList(
    [property: JsonPropertyName("object")] string ObjectType,
    [property: JsonPropertyName("data")] IReadOnlyList<ModelCard> Data);

public sealed record ModelCard(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy);

/// <summary>OpenAI's error body: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
public sealed record ErrorBody([property: JsonPropertyName("error")] ErrorDetail Error);

public sealed record ErrorDetail(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);
