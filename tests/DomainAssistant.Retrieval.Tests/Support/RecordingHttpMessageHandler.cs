using System.Net;
using System.Text;

namespace DomainAssistant.Retrieval.Tests.Support;

/// <summary>
/// Test double for an HTTP server: records every request (method, URL, headers, body) and answers each with the
/// next canned response, or 200 {"result": true, "status": "ok"} when none is queued.
/// </summary>
public sealed class RecordingHttpMessageHandler : HttpMessageHandler
{
    readonly Queue<(HttpStatusCode Status, string Body)> _responses = new();

    public List<RecordedRequest> Requests { get; } = [];

    public RecordingHttpMessageHandler Respond(HttpStatusCode status, string body)
    {
        _responses.Enqueue((status, body));
        return this;
    }

    public RecordingHttpMessageHandler RespondOk(string body) => Respond(HttpStatusCode.OK, body);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add(new RecordedRequest(
            request.Method,
            request.RequestUri!,
            request.Headers.TryGetValues("api-key", out var keys) ? keys.Single() : null,
            request.Content?.Headers.ContentType?.MediaType,
            body));
        var (status, text) = _responses.Count > 0 ? _responses.Dequeue() : (HttpStatusCode.OK, """{"result":true,"status":"ok","time":0.001}""");
        return new HttpResponseMessage(status) { Content = new StringContent(text, Encoding.UTF8, "application/json") };
    }
}

public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? ApiKey, string? ContentType, string? Body);
