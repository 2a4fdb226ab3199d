using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;

namespace DomainAssistant.Api.Tests.Limits;

/// <summary>
/// Rate limits (issue 22): a burst of hundreds from one user meets the default token bucket and is refused with 429 and
/// <c>Retry-After</c>, while a person chatting never does; keys are limited over all their users; chat answers in flight
/// count against a per-user limit; reads are not limited.
/// </summary>
public sealed class RateLimitTests
{
    /// <summary>The host with <paramref name="limits"/> over the test host's generous ones; null values restore the defaults.</summary>
    static AssistantHost HostWith(params (string Key, string? Value)[] limits) =>
        new(limits.ToDictionary(l => "RateLimits:" + l.Key, l => l.Value));

    static AssistantHost HostWithDefaults() =>
        HostWith(("UserBurst", null), ("UserPerMinute", null), ("ClientBurst", null), ("ClientPerMinute", null), ("ChatStreamsPerUser", null));

    static async Task<HttpStatusCode> ChatAsync(HttpClient client, string userId, string? key = null)
    {
        using var response = await client.PostChatAsync(new { message = "When is the blue bin emptied?" }, key, userId);
        await response.Content.ReadAsStringAsync(); // the whole answer: the stream slot is held until it ends
        return response.StatusCode;
    }

    static async Task<List<HttpStatusCode>> ConcurrentlyAsync(int count, int concurrency, Func<int, Task<HttpStatusCode>> send)
    {
        var statuses = new HttpStatusCode[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) => statuses[i] = await send(i));
        return [.. statuses];
    }

    [Fact]
    public async Task With_the_defaults_a_burst_of_300_chats_is_throttled_and_a_normal_conversation_is_not()
    {
        using var host = HostWithDefaults();
        var client = await host.ReadyClientAsync();

        var conversation = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++) conversation.Add(await ChatAsync(client, "a-person"));
        var burst = await ConcurrentlyAsync(300, 16, _ => ChatAsync(client, "a-script"));

        Assert.All(conversation, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Contains(HttpStatusCode.TooManyRequests, burst);
        Assert.Contains(HttpStatusCode.OK, burst);
        Assert.All(burst, status => Assert.True(status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, status.ToString()));
    }

    [Fact]
    public async Task A_spent_bucket_answers_429_with_Retry_After_and_a_problem()
    {
        using var host = HostWith(("UserBurst", "3"), ("UserPerMinute", "1"));
        using var client = host.CreateClient();
        async Task<HttpResponseMessage> Post()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/feedback") { Content = JsonContent.Create(new { rating = "up" }) };
            request.Headers.Add("X-User-Id", "spender");
            return await client.SendAsync(request);
        }

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.BadRequest, (await Post()).StatusCode);
        using var refused = await Post();

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains("RateLimits", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_v1_429_comes_in_OpenAIs_error_shape()
    {
        using var host = HostWith(("UserBurst", "1"), ("UserPerMinute", "1"));
        using var client = host.CreateClient();

        using var first = await client.PostRawAsync("/v1/chat/completions", "{}", AssistantHost.UserKey);
        using var second = await client.PostRawAsync("/v1/chat/completions", "{}", AssistantHost.UserKey);

        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.True(second.Headers.Contains("Retry-After"));
        var error = JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_key_is_limited_over_all_its_users_so_new_user_ids_do_not_buy_more()
    {
        using var host = HostWith(("ClientBurst", "5"), ("ClientPerMinute", "1"));
        using var client = host.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/feedback") { Content = JsonContent.Create(new { rating = "up" }) };
            request.Headers.Authorization = new("Bearer", AssistantHost.UserKey);
            request.Headers.Add("X-User-Id", $"invented-{i}");
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], statuses);
    }

    [Fact]
    public async Task Chat_answers_in_flight_count_against_the_users_stream_limit()
    {
        using var host = HostWith(("ChatStreamsPerUser", "1"));
        var client = await host.ReadyClientAsync();

        var oneUser = await ConcurrentlyAsync(16, 16, _ => ChatAsync(client, "one-user"));
        var manyUsers = await ConcurrentlyAsync(16, 16, i => ChatAsync(client, $"user-{i}"));

        Assert.Contains(HttpStatusCode.TooManyRequests, oneUser);
        Assert.All(manyUsers, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task Reads_are_not_limited()
    {
        using var host = HostWith(("UserBurst", "1"), ("UserPerMinute", "1"), ("ClientBurst", "1"), ("ClientPerMinute", "1"));
        using var client = host.CreateClient();

        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync(new Uri("/api/domains", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
