using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.Storage.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Api.Tests.Faults;

/// <summary>
/// Issue 20's fault "RabbitMQ stopped and restarted while feedback flows through two API processes": two hosts on one
/// PostgreSQL database and one broker of the test's own, each recording feedback and filing what the broker delivers;
/// the broker goes away a third of the way in and comes back. Every accepted feedback is filed exactly once.
/// </summary>
public sealed class BrokerRestartTests
{
    const int Feedbacks = 300;

    [SkippableFact]
    public async Task Feedback_accepted_while_the_broker_was_down_is_filed_once_when_it_is_back()
    {
        await using var database = await ScratchPostgres.CreateAsync();
        using var broker = await ThrowawayBroker.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Database"] = "PostgreSql",
            ["Storage:PostgreSqlConnection"] = database.ConnectionString,
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:RabbitMq:Host"] = "127.0.0.1",
            ["Bus:RabbitMq:Port"] = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        using var first = new AssistantHost(settings);
        using var second = new AssistantHost(settings);
        var clients = new[] { await first.ReadyClientAsync(), await second.ReadyClientAsync() };
        var (_, done, _) = await clients[0].ChatAsync("Where do batteries go?");
        var messageId = done.GetProperty("messageId").GetGuid();

        // A third before the outage, a third while the broker is away, a third after it is back.
        var accepted = new ConcurrentBag<Guid>();
        await PostAsync(clients, messageId, Feedbacks / 3, accepted);
        await broker.StopAppAsync();
        await PostAsync(clients, messageId, Feedbacks / 3, accepted);
        await Task.Delay(TimeSpan.FromSeconds(2)); // the outboxes try, fail and wait
        await broker.StartAppAsync();
        await PostAsync(clients, messageId, Feedbacks - 2 * (Feedbacks / 3), accepted);

        var inbox = first.Services.GetRequiredService<IFeedbackInbox>();
        var ours = accepted.ToHashSet();
        List<Guid> filed = [];
        for (var deadline = DateTime.UtcNow.AddSeconds(120); ; await Task.Delay(250))
        {
            filed = [.. (await inbox.ReadAsync(0, 10_000)).Select(f => f.Feedback.FeedbackId).Where(ours.Contains)];
            if (filed.Count >= ours.Count || DateTime.UtcNow > deadline) break;
        }

        Assert.Equal(Feedbacks, ours.Count);
        Assert.Equal(ours.Order(), filed.Order()); // none lost, none filed twice
    }

    /// <summary>Posts <paramref name="count"/> feedbacks, eight at once, to the two hosts in turn; each must be accepted.</summary>
    static async Task PostAsync(HttpClient[] clients, Guid messageId, int count, ConcurrentBag<Guid> accepted)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                var id = Guid.NewGuid();
                using var response = await clients[i % 2].PostAsJsonAsync("/api/feedback", new { messageId, rating = "up", feedbackId = id });
                // Recorded in the database before the answer: the broker is not needed to accept feedback.
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                accepted.Add(id);
            }
        })));
    }
}
