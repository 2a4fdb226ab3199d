using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using CsCheck;
using DomainAssistant.Api.Tests.Support;
using Xunit.Abstractions;

namespace DomainAssistant.Api.Tests.Hostile;

/// <summary>
/// Properties over thousands of generated requests (<see cref="HostileRequests"/>): whatever the body, every JSON
/// endpoint and the upload endpoint answer below 500, and <c>/v1</c> errors keep OpenAI's shape. The caller holds an
/// operator key, so the operator endpoints read the bodies instead of refusing the caller.
/// </summary>
public sealed class NoServerErrorProperties(NoServerErrorProperties.Host host, ITestOutputHelper output) : IClassFixture<NoServerErrorProperties.Host>
{
    readonly ConcurrentDictionary<int, int> _statuses = new();

    public sealed class Host : IDisposable
    {
        public AssistantHost Assistant { get; } = new();

        public void Dispose() => Assistant.Dispose();
    }

    async Task<HttpClient> ClientAsync()
    {
        var client = await host.Assistant.ReadyClientAsync();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AssistantHost.OperatorKey);
        return client;
    }

    async Task AnsweredBelow500Async(HttpClient client, HostileRequest request)
    {
        using var content = new ByteArrayContent(request.Body);
        if (request.ContentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.Path, UriKind.Relative)) { Content = content };
        using var response = await client.SendAsync(message);
        var body = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (status >= 500) throw new Xunit.Sdk.XunitException($"{status}: {body}");
        if (status >= 400 && request.Path.StartsWith("/v1", StringComparison.Ordinal) && !JsonDocument.Parse(body).RootElement.TryGetProperty("error", out _))
            throw new Xunit.Sdk.XunitException($"{status} without OpenAI's error body: {body}");
    }

    [Fact]
    public async Task No_generated_JSON_body_gets_a_5xx()
    {
        using var client = await ClientAsync();

        await HostileRequests.Json.SampleAsync(request => AnsweredBelow500Async(client, request), iter: 10_000, threads: 2);

        AssertTheGeneratorsReachedPastTheFirstCheck();
    }

    [Fact]
    public async Task No_generated_multipart_upload_gets_a_5xx()
    {
        using var client = await ClientAsync();

        await HostileRequests.Multipart.SampleAsync(request => AnsweredBelow500Async(client, request), iter: 1500, threads: 2);

        AssertTheGeneratorsReachedPastTheFirstCheck();
    }

    // Bodies that all fail the same first check would prove little: some must be accepted, and refusals must vary.
    void AssertTheGeneratorsReachedPastTheFirstCheck()
    {
        output.WriteLine(string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        Assert.Contains(_statuses.Keys, status => status is >= 200 and < 300);
        Assert.True(_statuses.Keys.Count(status => status is >= 400 and < 500) >= 3, string.Join(", ", _statuses.Keys));
    }
}
