using System.Net.Http.Json;
using System.Text.Json;

namespace DomainAssistant.Simulation;

/// <summary>
/// The assistant's public HTTP API as a simulated user calls it: <c>POST /api/chat</c> (server-sent events, the chat
/// page's endpoint; the user in <c>X-User-Id</c>), <c>POST /v1/chat/completions</c> (the OpenAI endpoint; the user in
/// its <c>user</c> field) and <c>POST /api/feedback</c>. Sampling is the host's: users do not choose a temperature.
/// </summary>
/// <param name="http">A client whose base address is the host's.</param>
/// <param name="domain">The domain asked.</param>
public sealed class AssistantClient(HttpClient http, string domain)
{
    /// <summary>Asks through <c>/api/chat</c>; the answer, or null with what went wrong.</summary>
    public async Task<(ServedAnswer? Answer, string? Error)> ChatAsync(SimulatedUser user, string question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/chat", UriKind.Relative))
        {
            Content = JsonContent.Create(new { message = question, domain }),
        };
        request.Headers.Add("X-User-Id", user.Id);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode) return (null, $"/api/chat HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            var text = new System.Text.StringBuilder();
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
                using var json = JsonDocument.Parse(line[6..]);
                var root = json.RootElement;
                switch (root.GetProperty("type").GetString())
                {
                    case "token":
                        text.Append(root.GetProperty("text").GetString());
                        break;
                    case "done":
                        return (new ServedAnswer(text.ToString(), Documents(root, "citations"), Guid(root, "messageId"), String(root, "variant"), String(root, "adapter")), null);
                    case "error":
                        return (null, $"/api/chat error event: {String(root, "message")}");
                }
            }
            return (null, "/api/chat ended without a done event");
        }
        catch (Exception error) when (error is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            return (null, $"/api/chat {error.GetType().Name}: {error.Message}");
        }
    }

    /// <summary>Asks through <c>/v1/chat/completions</c>; the answer, or null with what went wrong.</summary>
    public async Task<(ServedAnswer? Answer, string? Error)> CompleteAsync(SimulatedUser user, string question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var body = new { model = domain, user = user.Id, messages = new[] { new { role = "user", content = question } } };
        try
        {
            using var response = await http.PostAsJsonAsync(new Uri("v1/chat/completions", UriKind.Relative), body, cancellationToken);
            var content = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode) return (null, $"/v1/chat/completions HTTP {(int)response.StatusCode}: {content}");
            using var json = JsonDocument.Parse(content);
            var root = json.RootElement;
            var text = root.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString() ?? "";
            if (!root.TryGetProperty("domain_assistant", out var lineage) || lineage.ValueKind != JsonValueKind.Object)
                return (new ServedAnswer(text, [], null, null, null), null);
            return (new ServedAnswer(text, Documents(lineage, "citations"), Guid(lineage, "message_id"), String(lineage, "variant"), String(lineage, "adapter")), null);
        }
        catch (Exception error) when (error is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, $"/v1/chat/completions {error.GetType().Name}: {error.Message}");
        }
    }

    /// <summary>Files a thumbs up or down for <paramref name="messageId"/>; null when accepted (202), else why not.</summary>
    public async Task<string?> RateAsync(SimulatedUser user, Guid messageId, bool up, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/feedback", UriKind.Relative))
        {
            Content = JsonContent.Create(new { messageId, rating = up ? "up" : "down" }),
        };
        request.Headers.Add("X-User-Id", user.Id);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"/api/feedback HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}";
        }
        catch (HttpRequestException error)
        {
            return $"/api/feedback {error.Message}";
        }
    }

    /// <summary>The file name of each citation's <c>source</c>, in order.</summary>
    static List<string> Documents(JsonElement parent, string property) =>
        parent.TryGetProperty(property, out var citations) && citations.ValueKind == JsonValueKind.Array
            ? [.. citations.EnumerateArray().Select(c => c.ValueKind == JsonValueKind.Object ? String(c, "source") : null).OfType<string>().Select(Path.GetFileName).OfType<string>()]
            : [];

    static string? String(JsonElement parent, string property) =>
        parent.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    static Guid? Guid(JsonElement parent, string property) =>
        parent.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetGuid(out var id) ? id : null;
}
