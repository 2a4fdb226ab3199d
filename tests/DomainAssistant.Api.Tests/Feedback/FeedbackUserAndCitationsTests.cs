using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Feedback.Filing;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Api.Tests.Feedback;

/// <summary>
/// A vote is filed with who gave it and what the answer cited (issue 16): preference data caps votes per user and
/// judges the citations the user saw, so both must travel from the request through the outbox and bus to the inbox.
/// </summary>
public sealed class FeedbackUserAndCitationsTests : IClassFixture<FeedbackUserAndCitationsTests.Host>
{
    public sealed class Host : IDisposable
    {
        public AssistantHost Assistant { get; } = new();

        public void Dispose() => Assistant.Dispose();
    }

    readonly AssistantHost _host;

    public FeedbackUserAndCitationsTests(Host host) => _host = host.Assistant;

    [Fact]
    public async Task A_thumbs_with_a_user_header_files_the_user_and_the_cited_chunk_ids()
    {
        var client = await _host.ReadyClientAsync();
        var (_, done, _) = await client.ChatAsync("Where do batteries go?", userId: "resident-42");
        var messageId = done.GetProperty("messageId").GetGuid();
        var shown = CitedChunkIds(done);
        Assert.NotEmpty(shown);

        var feedbackId = await PostFeedbackAsync(client, messageId, "up", key: null, userId: "resident-42");

        var filed = await WaitForFiledAsync(feedbackId);
        Assert.Equal("resident-42", filed.Feedback.User);
        Assert.Equal(shown, filed.Feedback.CitedChunkIds);
        // The columns hold them too, not only the record read back.
        var inboxFile = Path.Combine(_host.DataDirectory, "training-examples.db");
        Assert.Equal("resident-42", Rows.Scalar(inboxFile, $"SELECT user_id FROM training_examples WHERE feedback_id = '{feedbackId:D}'"));
        Assert.Equal(JsonSerializer.Serialize(shown), Rows.Scalar(inboxFile, $"SELECT cited_chunk_ids FROM training_examples WHERE feedback_id = '{feedbackId:D}'"));
    }

    [Fact]
    public async Task A_thumbs_with_an_api_key_files_the_key_user_even_when_a_header_names_another()
    {
        var client = await _host.ReadyClientAsync();
        var (_, done, _) = await client.ChatAsync("Is there a charge for bulky waste?");
        var messageId = done.GetProperty("messageId").GetGuid();

        // The key's user wins over the header, as for experiment assignment: a header is only the anonymous fallback.
        var feedbackId = await PostFeedbackAsync(client, messageId, "down", key: AssistantHost.UserKey, userId: "someone-else");

        var filed = await WaitForFiledAsync(feedbackId);
        Assert.Equal("key:web", filed.Feedback.User);
        Assert.Equal(CitedChunkIds(done), filed.Feedback.CitedChunkIds);
    }

    [Fact]
    public async Task An_anonymous_thumbs_is_filed_without_a_user()
    {
        var client = await _host.ReadyClientAsync();
        var (_, done, _) = await client.ChatAsync("When is garden waste collected?");

        var feedbackId = await PostFeedbackAsync(client, done.GetProperty("messageId").GetGuid(), "up", key: null, userId: null);

        Assert.Null((await WaitForFiledAsync(feedbackId)).Feedback.User);
    }

    static string[] CitedChunkIds(JsonElement done) =>
        [.. done.GetProperty("citations").EnumerateArray().OrderBy(c => c.GetProperty("n").GetInt32()).Select(c => c.GetProperty("chunkId").GetString()!).Distinct()];

    static async Task<Guid> PostFeedbackAsync(HttpClient client, Guid messageId, string rating, string? key, string? userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/feedback") { Content = JsonContent.Create(new { messageId, rating }) };
        if (key is not null) request.Headers.Authorization = new("Bearer", key);
        if (userId is not null) request.Headers.Add("X-User-Id", userId);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("feedbackId").GetGuid();
    }

    async Task<FiledFeedback> WaitForFiledAsync(Guid feedbackId)
    {
        var inbox = _host.Services.GetRequiredService<IFeedbackInbox>();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(50))
        {
            if ((await inbox.ReadAsync(0, 1000)).SingleOrDefault(f => f.Feedback.FeedbackId == feedbackId) is { } filed) return filed;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the feedback was not filed in time");
        }
    }
}
