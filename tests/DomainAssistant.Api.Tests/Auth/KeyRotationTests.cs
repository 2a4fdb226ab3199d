using System.Net;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.ServiceDefaults;

namespace DomainAssistant.Api.Tests.Auth;

/// <summary>Keys kept as digests, and a key rotated: the old one given an end, the new one added under the same name.</summary>
public sealed class KeyRotationTests
{
    const string NewOperatorKey = "da_new-operator-key-0123456789abcdef";
    const string RetiredKey = "retired-operator-key-0123456789";

    static AssistantHost Host(IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            // The operator "ops" holds its old key (Auth:Keys:2, with an end ahead) and its replacement, known only by digest.
            ["Auth:Keys:2:ExpiresAt"] = DateTimeOffset.UtcNow.AddDays(1).ToString("O"),
            ["Auth:Keys:3:Name"] = "ops", ["Auth:Keys:3:KeyHash"] = ApiKeyDigest.Of(NewOperatorKey), ["Auth:Keys:3:Role"] = "operator",
            // An earlier key of the same name whose end has passed.
            ["Auth:Keys:4:Name"] = "ops", ["Auth:Keys:4:Key"] = RetiredKey, ["Auth:Keys:4:Role"] = "operator",
            ["Auth:Keys:4:ExpiresAt"] = "2026-01-31T00:00:00Z",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>()) settings[key] = value;
        return new AssistantHost(settings);
    }

    [Fact]
    public async Task During_a_rotation_the_old_and_the_new_key_both_work_and_a_retired_one_is_refused_saying_it_expired()
    {
        using var host = Host();
        var client = await host.ReadyClientAsync();

        using var old = await Get(client, AssistantHost.OperatorKey);
        using var replacement = await Get(client, NewOperatorKey);
        using var retired = await Get(client, RetiredKey);

        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replacement.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, retired.StatusCode);
        var detail = JsonDocument.Parse(await retired.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.Contains("expired at 2026-01-31 00:00:00 UTC", detail, StringComparison.Ordinal);
        // A retired key is refused on open endpoints too, as any unknown key is.
        using var chat = await client.PostChatAsync(new { message = "Hello" }, key: RetiredKey);
        Assert.Equal(HttpStatusCode.Unauthorized, chat.StatusCode);
    }

    [Fact]
    public async Task The_digest_of_a_key_is_not_itself_a_key()
    {
        using var host = Host();
        var client = await host.ReadyClientAsync();

        using var response = await Get(client, ApiKeyDigest.Of(NewOperatorKey));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("Auth:Keys:3:KeyHash", "md5:0123", "Auth:Keys:3:KeyHash must be \"sha256:\" followed by 64 hex digits")]
    [InlineData("Auth:Keys:3:Key", "also-a-plain-key-0123456789", "Auth:Keys:3 must set one of Key or KeyHash")]
    [InlineData("Auth:Keys:3:Role", "user", "Auth:Keys gives \"ops\" two roles")]
    public void A_key_entry_that_cannot_work_stops_the_host_naming_it(string key, string value, string expected)
    {
        using var host = Host(new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_key_as_text_and_as_digest_is_refused_as_a_duplicate()
    {
        using var host = Host(new Dictionary<string, string?> { ["Auth:Keys:3:KeyHash"] = ApiKeyDigest.Of(AssistantHost.OperatorKey) });

        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        Assert.Contains("Auth:Keys holds the same key twice (ops, ops)", error.ToString(), StringComparison.Ordinal);
    }

    static async Task<HttpResponseMessage> Get(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/model");
        request.Headers.Authorization = new("Bearer", key);
        return await client.SendAsync(request);
    }
}
