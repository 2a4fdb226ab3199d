using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace DomainAssistant.Bench.Service;

/// <summary>One <c>POST /api/chat</c> as a client sees it.</summary>
/// <param name="FirstToken">From sending the request to the first token event; null when none came.</param>
/// <param name="Total">From sending the request to the end of the stream.</param>
/// <param name="TokenEvents">Token events received (the host sends one per generated token that completes text).</param>
/// <param name="Text">The streamed answer.</param>
/// <param name="Error">Why the request failed (status, error event, no done event, exception); null when it did not.</param>
public sealed record ChatSample(TimeSpan? FirstToken, TimeSpan Total, int TokenEvents, string Text, string? Error)
{
    /// <summary>How long the host asked the client to wait before it asks again (a 429's <c>Retry-After</c>); null when it did not.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>A minimal client of the host's chat API: posts a question and reads the server-sent events as they arrive.</summary>
public static class StreamingChat
{
    /// <param name="http">A client of the host (base address set).</param>
    /// <param name="question">The user's message.</param>
    /// <param name="domain">The domain asked.</param>
    /// <param name="user">Sent as <c>X-User-Id</c> when given: the rate limits and the streams one user may hold at once are per user.</param>
    /// <param name="cancellationToken">Ends the request.</param>
    public static async Task<ChatSample> AskAsync(HttpClient http, string question, string domain, string? user = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        var clock = Stopwatch.StartNew();
        TimeSpan? first = null;
        var tokens = 0;
        var text = new StringBuilder();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/chat", UriKind.Relative))
            {
                Content = JsonContent.Create(new { message = question, domain }),
            };
            if (user is not null) request.Headers.Add("X-User-Id", user);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
                return new ChatSample(null, clock.Elapsed, 0, "", $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}")
                {
                    RetryAfter = response.Headers.RetryAfter?.Delta,
                };
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
                using var json = JsonDocument.Parse(line.AsMemory("data: ".Length));
                var payload = json.RootElement;
                switch (payload.GetProperty("type").GetString())
                {
                    case "token":
                        first ??= clock.Elapsed;
                        tokens++;
                        text.Append(payload.GetProperty("text").GetString());
                        break;
                    case "done":
                        return new ChatSample(first, clock.Elapsed, tokens, text.ToString(), null);
                    case "error":
                        return new ChatSample(first, clock.Elapsed, tokens, text.ToString(), $"error event: {payload.GetProperty("message").GetString()}");
                }
            }
            return new ChatSample(first, clock.Elapsed, tokens, text.ToString(), "the stream ended without a done event");
        }
        catch (Exception error) when (error is HttpRequestException or JsonException or IOException or KeyNotFoundException)
        {
            return new ChatSample(first, clock.Elapsed, tokens, text.ToString(), $"{error.GetType().Name}: {error.Message}");
        }
    }
}
