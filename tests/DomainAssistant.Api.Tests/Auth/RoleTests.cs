using System.Net;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;

namespace DomainAssistant.Api.Tests.Auth;

public sealed class RoleTests : IClassFixture<RoleTests.Host>
{
    public sealed class Host : IDisposable
    {
        public AssistantHost Assistant { get; } = new();

        public void Dispose() => Assistant.Dispose();
    }

    readonly AssistantHost _host;

    public RoleTests(Host host) => _host = host.Assistant;

    async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, string header = "Authorization")
    {
        var client = await _host.ReadyClientAsync();
        using var request = new HttpRequestMessage(method, path);
        if (key is not null && header == "Authorization") request.Headers.Authorization = new("Bearer", key);
        else if (key is not null) request.Headers.Add(header, key);
        return await client.SendAsync(request);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("not-a-configured-key-at-all", HttpStatusCode.Unauthorized)]
    [InlineData(AssistantHost.UserKey, HttpStatusCode.Forbidden)]
    [InlineData(AssistantHost.TeamKey, HttpStatusCode.OK)]
    [InlineData(AssistantHost.OperatorKey, HttpStatusCode.OK)]
    public async Task Reindexing_a_domain_needs_a_domain_team_key(string? key, HttpStatusCode expected)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/domains/{AssistantHost.Domain}/reindex", key);

        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.OK)
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        else
            Assert.Equal(7, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("documentsUnchanged").GetInt32());
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(AssistantHost.UserKey, HttpStatusCode.Forbidden)]
    [InlineData(AssistantHost.TeamKey, HttpStatusCode.Forbidden)]
    [InlineData(AssistantHost.OperatorKey, HttpStatusCode.OK)]
    public async Task The_admin_model_report_needs_an_operator_key(string? key, HttpStatusCode expected)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/admin/model", key);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(["candidate", "sft"], report.GetProperty("adapters").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
            Assert.All(report.GetProperty("adapters").EnumerateArray(), a => Assert.Equal(64, a.GetProperty("checksum").GetString()!.Length));
        }
    }

    [Fact]
    public async Task The_key_may_also_come_as_an_X_Api_Key_header()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/admin/model", AssistantHost.OperatorKey, "X-Api-Key");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Chat_is_open_without_a_key_but_a_wrong_key_is_refused()
    {
        var client = await _host.ReadyClientAsync();
        using var open = await client.PostChatAsync(new { message = "Hello" });
        using var withUserKey = await client.PostChatAsync(new { message = "Hello" }, key: AssistantHost.UserKey);
        using var wrong = await client.PostChatAsync(new { message = "Hello" }, key: "wrong-key-0123456789abcdef");

        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withUserKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("Bearer", wrong.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task With_ChatRequiresKey_chat_needs_any_valid_key()
    {
        using var host = new AssistantHost(new Dictionary<string, string?> { ["Auth:ChatRequiresKey"] = "true" });
        var client = await host.ReadyClientAsync();

        using var anonymous = await client.PostChatAsync(new { message = "Hello" });
        using var user = await client.PostChatAsync(new { message = "Hello" }, key: AssistantHost.UserKey);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
    }
}
