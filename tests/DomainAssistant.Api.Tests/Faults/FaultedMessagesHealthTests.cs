using System.Net;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Filing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Api.Tests.Faults;

/// <summary>
/// The API's /health shows the messages its consumers gave up on (moved to an error queue), without turning red, and
/// the consumer goes on: here the embedded host's in-memory bus with a FeedbackSubmitted that fails validation. The
/// worker's test (PoisonMessageTests) sends raw poison JSON over the real RabbitMQ.
/// </summary>
public sealed class FaultedMessagesHealthTests
{
    [Fact]
    public async Task A_message_moved_to_the_error_queue_is_counted_on_health_which_stays_ready_and_filing_goes_on()
    {
        using var host = new AssistantHost();
        var client = await host.ReadyClientAsync();
        var bus = host.Services.GetRequiredService<IBus>();
        var inbox = host.Services.GetRequiredService<IFeedbackInbox>();

        // No rating, no prompt: invalid feedback faults at once, without retries.
        await bus.Publish(new FeedbackSubmitted(Guid.NewGuid(), Guid.NewGuid(), "", null, [], "", [], "", "scripted", null, null, null,
            AssistantHost.Domain, DateTimeOffset.UtcNow));
        var valid = new FeedbackSubmitted(Guid.NewGuid(), Guid.NewGuid(), "up", null, [], "<|user|>\nWhere do batteries go?\n<|assistant|>\n", [],
            "To the collection point.", "scripted", null, null, null, AssistantHost.Domain, DateTimeOffset.UtcNow);
        await bus.Publish(valid);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonElement report;
        while (true)
        {
            using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            report = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement;
            var filed = (await inbox.ReadAsync(0, 100)).Any(f => f.Feedback.FeedbackId == valid.FeedbackId);
            if (filed && report.GetProperty("faultedMessages").GetProperty("total").GetInt64() > 0) break;
            Assert.True(DateTime.UtcNow < deadline, $"the valid feedback was not filed or no fault was counted: {report}");
            await Task.Delay(100);
        }

        Assert.Equal("ready", report.GetProperty("status").GetString());
        var faulted = report.GetProperty("faultedMessages");
        Assert.Equal(1, faulted.GetProperty("total").GetInt64());
        var queue = faulted.GetProperty("queues").GetProperty("feedback-submitted");
        Assert.Equal(1, queue.GetProperty("count").GetInt64());
        Assert.Contains("InvalidFeedbackException", queue.GetProperty("lastReason").GetString(), StringComparison.Ordinal);
    }
}
