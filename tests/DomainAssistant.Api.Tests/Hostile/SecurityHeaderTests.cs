using System.Net;
using System.Text;
using DomainAssistant.Api.Tests.Support;

namespace DomainAssistant.Api.Tests.Hostile;

/// <summary>Every response carries the pages' security headers, API answers and errors included; CORS is off unless configured.</summary>
public sealed class SecurityHeaderTests(SecurityHeaderTests.Host host) : IClassFixture<SecurityHeaderTests.Host>
{
    public sealed class Host : IDisposable
    {
        public AssistantHost Assistant { get; } = new();

        public void Dispose() => Assistant.Dispose();
    }

    public static TheoryData<string, string, string?> Requests => new()
    {
        { "GET", "/health", null },
        { "GET", "/api/domains", null },
        { "GET", "/v1/models", null },
        { "GET", "/api/no-such-endpoint", null },
        { "GET", "/v1/no-such-endpoint", null },
        { "POST", "/api/chat", "not json" },
        { "POST", "/v1/chat/completions", "{\"messages\":[]}" },
        { "POST", "/api/feedback", "{\"x\":\"" + new string('a', 1_100_000) + "\"}" },
        { "GET", "/api/admin/model", null },
        { "GET", "/", null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Every_response_carries_the_security_headers(string method, string path, string? body)
    {
        using var client = host.Assistant.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await client.SendAsync(request);

        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.Contains("frame-ancestors 'none'", Single(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal("no-referrer", Single(response, "Referrer-Policy"));
    }

    [Fact]
    public async Task Cross_origin_requests_get_no_CORS_headers_unless_origins_are_configured()
    {
        using var client = host.Assistant.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/chat");
        preflight.Headers.Add("Origin", "https://elsewhere.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");

        using var response = await client.SendAsync(preflight);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_configured_origin_may_call_the_API_and_no_other()
    {
        using var configured = new AssistantHost(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = "https://app.example" });
        using var client = configured.CreateClient();

        async Task<HttpResponseMessage> Preflight(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, "/api/chat");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            return await client.SendAsync(request);
        }

        using var allowed = await Preflight("https://app.example");
        using var other = await Preflight("https://elsewhere.example");

        Assert.Equal("https://app.example", Single(allowed, "Access-Control-Allow-Origin"));
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    static string Single(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? Assert.Single(values)
        : response.Content.Headers.TryGetValues(name, out var content) ? Assert.Single(content)
        : throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: no {name} header");
}
