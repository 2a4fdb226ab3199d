using System.Net.Http.Json;
using System.Text.Json;

namespace DomainAssistant.Bench.Service;

/// <summary>One answer of <c>POST /v1/chat/completions</c> with the host's lineage.</summary>
/// <param name="Text">The answer.</param>
/// <param name="CompletionTokens">The host's usage count.</param>
/// <param name="CitedSources">The document (<c>source</c>) of each citation in <c>domain_assistant.citations</c>, in order, repeats kept.</param>
/// <param name="MessageId">The stored assistant message (<c>domain_assistant.message_id</c>); null without lineage.</param>
public sealed record CompletionAnswer(string Text, int CompletionTokens, IReadOnlyList<string> CitedSources, Guid? MessageId);

/// <summary>
/// Asks the host one question over its OpenAI-compatible endpoint at temperature 0 (deterministic; <c>/api/chat</c>
/// takes no sampling options), the domain named as the model. The lineage is read defensively: <c>domain_assistant</c>,
/// its <c>citations</c> and each citation's <c>source</c> may be missing or null, and fields this client does not
/// know (<c>uncited</c>, <c>dropped_markers</c>, ...) are ignored, so a citation counts only when the host lists it
/// under <c>citations</c>.
/// </summary>
public static class CompletionClient
{
    /// <summary>The answer, or null with the failed request's status and body.</summary>
    public static async Task<(CompletionAnswer? Answer, string? Error)> AskAsync(HttpClient http, string domain, string question)
    {
        ArgumentNullException.ThrowIfNull(http);
        var body = new { model = domain, temperature = 0, messages = new[] { new { role = "user", content = question } } };
        try
        {
            using var response = await http.PostAsJsonAsync(new Uri("v1/chat/completions", UriKind.Relative), body);
            var content = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) return (null, $"HTTP {(int)response.StatusCode}: {content}");
            using var json = JsonDocument.Parse(content);
            var root = json.RootElement;
            var text = root.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString() ?? "";
            var tokens = root.TryGetProperty("usage", out var usage) && usage.TryGetProperty("completion_tokens", out var count) ? count.GetInt32() : 0;
            if (!root.TryGetProperty("domain_assistant", out var lineage) || lineage.ValueKind != JsonValueKind.Object)
                return (new CompletionAnswer(text, tokens, [], null), null);
            return (new CompletionAnswer(text, tokens, Sources(lineage), MessageId(lineage)), null);
        }
        catch (Exception error) when (error is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or TaskCanceledException)
        {
            return (null, $"{error.GetType().Name}: {error.Message}");
        }
    }

    static List<string> Sources(JsonElement lineage) =>
        lineage.TryGetProperty("citations", out var citations) && citations.ValueKind == JsonValueKind.Array
            ? [.. citations.EnumerateArray()
                .Select(c => c.ValueKind == JsonValueKind.Object && c.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null)
                .OfType<string>()]
            : [];

    static Guid? MessageId(JsonElement lineage) =>
        lineage.TryGetProperty("message_id", out var id) && id.ValueKind == JsonValueKind.String && id.TryGetGuid(out var guid) ? guid : null;
}
