using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace DomainAssistant.Api.Http;

/// <summary>A server-sent events response: each event one <c>data: ...</c> line and a blank line, flushed at once.</summary>
public sealed class ServerSentEvents
{
    readonly HttpResponse _response;
    readonly JsonSerializerOptions _json;

    ServerSentEvents(HttpResponse response, JsonSerializerOptions json)
    {
        _response = response;
        _json = json;
    }

    /// <summary>Sends the headers and returns the stream to write events to.</summary>
    public static async Task<ServerSentEvents> StartAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // proxies (nginx) must not hold tokens back
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(cancellationToken);
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return new ServerSentEvents(response, json);
    }

    /// <summary>Writes <paramref name="payload"/> as one JSON event.</summary>
    public Task WriteAsync<T>(T payload, CancellationToken cancellationToken) =>
        WriteDataAsync(JsonSerializer.Serialize(payload, _json), cancellationToken);

    /// <summary>Writes one event whose data is <paramref name="data"/> as it is (e.g. OpenAI's <c>[DONE]</c>).</summary>
    public async Task WriteDataAsync(string data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        await _response.WriteAsync($"data: {data}\n\n", cancellationToken);
        await _response.Body.FlushAsync(cancellationToken);
    }
}
