using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace DomainAssistant.Api.Tests.Support;

/// <summary>Requests the tests send again and again.</summary>
public static class ChatCalls
{
    /// <summary>POST /api/chat; returns the response with its body unread (streamed).</summary>
    public static async Task<HttpResponseMessage> PostChatAsync(this HttpClient client, object body, string? key = null, string? userId = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Authorization = new("Bearer", key);
        if (userId is not null) request.Headers.Add("X-User-Id", userId);
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>Asks and reads the whole event stream; returns the token texts joined and the done event.</summary>
    public static async Task<(string Text, JsonElement Done, List<JsonElement> Events)> ChatAsync(this HttpClient client, string message,
        string? userId = null, Guid? conversationId = null)
    {
        using var response = await client.PostChatAsync(new { message, conversationId }, userId: userId);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"chat answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var events = await ServerSentEventsReader.ReadJsonAsync(response);
        var text = string.Concat(events.Where(e => e.GetProperty("type").GetString() == "token").Select(e => e.GetProperty("text").GetString()));
        return (text, events.Single(e => e.GetProperty("type").GetString() == "done"), events);
    }

    /// <summary>POST with a raw body (for malformed JSON).</summary>
    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string body, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Authorization = new("Bearer", key);
        return client.SendAsync(request);
    }
}
