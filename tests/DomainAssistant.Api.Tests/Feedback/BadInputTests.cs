using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;

namespace DomainAssistant.Api.Tests.Feedback;

/// <summary>Bad requests are refused with problem details, and nothing already stored is lost or altered.</summary>
public sealed class BadInputTests : IClassFixture<BadInputTests.Host>
{
    public sealed class Host : IDisposable
    {
        public AssistantHost Assistant { get; } = new();

        public void Dispose() => Assistant.Dispose();
    }

    readonly AssistantHost _host;

    public BadInputTests(Host host) => _host = host.Assistant;

    string Conversations => Path.Combine(_host.DataDirectory, "conversations.db");
    string FeedbackDb => Path.Combine(_host.DataDirectory, "feedback.db");

    /// <summary>A conversation with one rated answer, then a snapshot of every stored row.</summary>
    async Task<(HttpClient Client, Guid MessageId, List<string> Before)> StoredStateAsync()
    {
        var client = await _host.ReadyClientAsync();
        var (_, done, _) = await client.ChatAsync("How do I report a missed collection?");
        var messageId = done.GetProperty("messageId").GetGuid();
        using var rated = await client.PostAsJsonAsync("/api/feedback", new { messageId, rating = "up" });
        Assert.Equal(HttpStatusCode.Accepted, rated.StatusCode);
        return (client, messageId, Snapshot());
    }

    List<string> Snapshot() =>
        [.. Rows.Dump(Conversations, "conversations"), .. Rows.Dump(Conversations, "messages"), .. Rows.Dump(FeedbackDb, "feedback").Select(WithoutPublishState)];

    // The outbox marks rows published in the background; what the user stored is everything before those columns.
    static string WithoutPublishState(string row) => string.Join("|", row.Split('|').SkipLast(3));

    static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    [Theory]
    [InlineData("/api/feedback", "{\"messageId\": ")]
    [InlineData("/api/feedback", "not json at all")]
    [InlineData("/api/feedback", "{\"messageId\": 42, \"rating\": \"up\"}")]
    [InlineData("/api/chat", "{\"message\": \"unterminated")]
    [InlineData("/api/chat", "[1, 2, 3]")]
    public async Task Malformed_JSON_is_a_400_problem_and_changes_nothing(string path, string body)
    {
        var (client, _, before) = await StoredStateAsync();

        using var response = await client.PostRawAsync(path, body);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, Snapshot());
    }

    [Theory]
    [InlineData("sideways")]
    [InlineData("UP")]
    [InlineData("")]
    public async Task A_rating_other_than_up_or_down_is_a_400_naming_the_field(string rating)
    {
        var (client, messageId, before) = await StoredStateAsync();

        using var response = await client.PostAsJsonAsync("/api/feedback", new { messageId, rating });

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("rating", out _));
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Feedback_on_an_unknown_message_is_a_404_and_changes_nothing()
    {
        var (client, _, before) = await StoredStateAsync();

        using var response = await client.PostAsJsonAsync("/api/feedback", new { messageId = Guid.NewGuid(), rating = "down" });

        await ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Feedback_on_a_user_message_id_is_a_404_too()
    {
        var (client, messageId, before) = await StoredStateAsync();
        var userMessage = (string)Rows.Scalar(Conversations, $"SELECT m.id FROM messages m WHERE m.role = 'user' AND m.conversation_id = (SELECT conversation_id FROM messages WHERE id = '{messageId:D}')")!;

        using var response = await client.PostAsJsonAsync("/api/feedback", new { messageId = Guid.Parse(userMessage), rating = "down" });

        await ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Chat_in_an_unknown_conversation_or_domain_is_a_404_and_stores_nothing()
    {
        var (client, _, before) = await StoredStateAsync();

        using var conversation = await client.PostChatAsync(new { message = "hi", conversationId = Guid.NewGuid() });
        using var domain = await client.PostChatAsync(new { message = "hi", domain = "no-such-domain" });
        using var empty = await client.PostChatAsync(new { message = "   " });

        await ProblemAsync(conversation, HttpStatusCode.NotFound);
        await ProblemAsync(domain, HttpStatusCode.NotFound);
        await ProblemAsync(empty, HttpStatusCode.BadRequest);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Wrong_or_missing_keys_are_401_an_insufficient_role_403_and_nothing_changes()
    {
        var (client, messageId, before) = await StoredStateAsync();
        async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? key, object? body = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            if (key is not null) request.Headers.Authorization = new("Bearer", key);
            return await client.SendAsync(request);
        }

        using var wrongFeedback = await Send(HttpMethod.Post, "/api/feedback", "wrong-key-0123456789abcdef", new { messageId, rating = "down" });
        using var missing = await Send(HttpMethod.Post, $"/api/domains/{AssistantHost.Domain}/reindex", null);
        using var userOnAdmin = await Send(HttpMethod.Get, "/api/admin/model", AssistantHost.UserKey);

        await ProblemAsync(wrongFeedback, HttpStatusCode.Unauthorized);
        await ProblemAsync(missing, HttpStatusCode.Unauthorized);
        await ProblemAsync(userOnAdmin, HttpStatusCode.Forbidden);
        Assert.Equal(before, Snapshot());
    }
}
