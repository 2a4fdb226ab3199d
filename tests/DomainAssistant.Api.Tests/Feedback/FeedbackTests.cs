using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.Feedback.Recording;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Api.Tests.Feedback;

public sealed class FeedbackTests : IClassFixture<FeedbackTests.Host>
{
    public sealed class Host : IDisposable
    {
        public AssistantHost Assistant { get; } = new();

        public void Dispose() => Assistant.Dispose();
    }

    static readonly string[] IncompleteTag = ["incomplete"];

    readonly AssistantHost _host;

    public FeedbackTests(Host host) => _host = host.Assistant;

    [Fact]
    public async Task Feedback_on_an_answer_is_stored_with_its_lineage_then_filed_by_the_consumer()
    {
        var client = await _host.ReadyClientAsync();
        var (text, done, _) = await client.ChatAsync("Where do batteries go?");
        var messageId = done.GetProperty("messageId").GetGuid();

        using var response = await client.PostAsJsonAsync("/api/feedback",
            new { messageId, rating = "down", reason = "It did not say where.", tags = IncompleteTag });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("recorded", receipt.GetProperty("status").GetString());
        var feedbackId = receipt.GetProperty("feedbackId").GetGuid();

        var stored = await _host.Services.GetRequiredService<IFeedbackStore>().FindAsync(feedbackId);
        Assert.NotNull(stored);
        var feedback = stored.Feedback;
        var prompt = (string)Rows.Scalar(Path.Combine(_host.DataDirectory, "conversations.db"), $"SELECT prompt FROM messages WHERE id = '{messageId:D}'")!;
        Assert.Equal(messageId, feedback.MessageId);
        Assert.Equal("down", feedback.Rating);
        Assert.Equal("It did not say where.", feedback.Reason);
        Assert.Equal(["incomplete"], feedback.Tags);
        Assert.Equal(prompt, feedback.Prompt);
        Assert.Equal(text, feedback.Response);
        Assert.Equal(done.GetProperty("citations")[0].GetProperty("chunkId").GetString(), feedback.RetrievedChunkIds[0]);
        Assert.Equal("scripted", feedback.Model);
        Assert.Equal("sft", feedback.Adapter);
        Assert.Equal(64, feedback.AdapterChecksum?.Length);
        Assert.Equal("current", feedback.Variant);
        Assert.Equal(AssistantHost.Domain, feedback.Domain);

        var inbox = _host.Services.GetRequiredService<IFeedbackInbox>();
        var filed = await WaitForAsync(async () => (await inbox.ReadAsync(0, 1000)).SingleOrDefault(f => f.Feedback.FeedbackId == feedbackId));
        Assert.Equal(feedback.Prompt, filed.Feedback.Prompt);
        Assert.Equal(feedback.RetrievedChunkIds, filed.Feedback.RetrievedChunkIds);
        Assert.Equal(feedback.AdapterChecksum, filed.Feedback.AdapterChecksum);
    }

    [Fact]
    public async Task A_retried_feedback_with_the_same_id_is_recorded_once()
    {
        var client = await _host.ReadyClientAsync();
        var (_, done, _) = await client.ChatAsync("Is there a charge for bulky waste?");
        var body = new { messageId = done.GetProperty("messageId").GetGuid(), rating = "up", feedbackId = Guid.NewGuid() };

        using var first = await client.PostAsJsonAsync("/api/feedback", body);
        using var retry = await client.PostAsJsonAsync("/api/feedback", body);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal("already-recorded", JsonDocument.Parse(await retry.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal(1L, Rows.Scalar(Path.Combine(_host.DataDirectory, "feedback.db"), $"SELECT COUNT(*) FROM feedback WHERE feedback_id = '{body.feedbackId:D}'"));
    }

    static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe) where T : class
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(50))
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the feedback was not filed in time");
        }
    }
}
