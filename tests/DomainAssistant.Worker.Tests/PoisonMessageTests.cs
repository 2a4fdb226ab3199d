using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Filing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace DomainAssistant.Worker.Tests;

/// <summary>
/// Issue 20's fault "a poison message (valid JSON, wrong shape)", on the real RabbitMQ: FeedbackSubmitted envelopes
/// whose message has a field of the wrong type, or lacks the required ones, published raw to the worker's feedback
/// queue. Each goes to the queue's <c>_error</c> queue after the retry policy, the worker counts it on /health and stays
/// healthy, and the valid feedback sent after them is filed.
/// </summary>
[Collection(WorkersOnRabbitMq.Name)]
public sealed class PoisonMessageTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    readonly string _data = Directory.CreateTempSubdirectory("worker-poison-").FullName;
    readonly string _queue = $"feedback-submitted-poison-{Guid.NewGuid():N}";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (RabbitMq.Host is null || RabbitMq.VirtualHost is null) return;
        await using var connection = await ConnectAsync();
        foreach (var name in new[] { _queue, _queue + "_error", _queue + "_skipped" })
        {
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeleteAsync(name);
            await channel.ExchangeDeleteAsync(name);
        }
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [RabbitMqFact]
    public async Task Poison_feedback_goes_to_the_error_queue_after_the_retries_is_counted_on_health_and_the_next_feedback_is_filed()
    {
        var settings = RabbitMq.Settings();
        settings["Storage:DataDirectory"] = _data;
        settings["Bus:FeedbackQueue"] = _queue;
        using var worker = new WorkerHost(settings);
        var client = worker.CreateClient();
        await WaitUntilHealthyAsync(client);

        var valid = new FeedbackSubmitted(Guid.NewGuid(), Guid.NewGuid(), "up", null, [], "<|user|>\nWhere do batteries go?\n<|assistant|>\n", [],
            "To the collection point.", "scripted", null, null, null, "fernbrook-recycling", DateTimeOffset.UtcNow);
        var wellFormed = JsonSerializer.SerializeToNode(valid, Web)!.AsObject();
        // Valid JSON, wrong shape: a number where the id is, and then a message with none of the required fields.
        var wrongType = wellFormed.DeepClone().AsObject();
        wrongType["feedbackId"] = 42;
        var missingFields = new JsonObject { ["feedbackId"] = Guid.NewGuid() };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await PublishRawAsync(wrongType);
        await PublishRawAsync(missingFields);
        var endpoint = await worker.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{_queue}"));
        await endpoint.Send(valid);

        // The valid one is not held up behind the poison, which is still being retried.
        var inbox = worker.Services.GetRequiredService<IFeedbackInbox>();
        await EventuallyAsync(async () => (await inbox.ReadAsync(0, 10)).Any(f => f.Feedback.FeedbackId == valid.FeedbackId),
            TimeSpan.FromSeconds(20), "the valid feedback was filed");
        // Generous: the retry policy's intervals, were they applied, add up to a little under 25 seconds.
        await EventuallyAsync(async () => await ErrorQueueLengthAsync() == 2, TimeSpan.FromSeconds(60), "both poison messages reached the error queue");
        output.WriteLine($"both poison messages were in the error queue {clock.Elapsed.TotalSeconds:0.0} s after the first was published");

        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
        var body = await health.Content.ReadAsStringAsync();
        Assert.True(health.StatusCode == HttpStatusCode.OK, body);
        var report = JsonDocument.Parse(body).RootElement;
        Assert.Equal("healthy", report.GetProperty("status").GetString());
        var faulted = report.GetProperty("faultedMessages");
        Assert.Equal(2, faulted.GetProperty("total").GetInt64());
        var queue = faulted.GetProperty("queues").GetProperty(_queue);
        Assert.Equal(2, queue.GetProperty("count").GetInt64());
        Assert.False(string.IsNullOrEmpty(queue.GetProperty("lastReason").GetString()), body);
        Assert.Single(await inbox.ReadAsync(0, 10));

        var reasons = await ErrorQueueFaultsAsync();
        foreach (var (exception, retries) in reasons) output.WriteLine($"in {_queue}_error: {exception}, MT-Fault-RetryCount {retries}");
        // MassTransit records the innermost exception: the serializer's InvalidOperationException under its JsonException.
        Assert.Equal(["DomainAssistant.Feedback.Validation.InvalidFeedbackException", "System.InvalidOperationException"],
            reasons.Select(r => r.Exception).Order(StringComparer.Ordinal));
    }

    // What MassTransit wrote on each message it moved: the exception's type and how many retries it made.
    async Task<List<(string Exception, string Retries)>> ErrorQueueFaultsAsync()
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var faults = new List<(string, string)>();
        while (await channel.BasicGetAsync(_queue + "_error", autoAck: true) is { } message)
        {
            var headers = message.BasicProperties.Headers ?? new Dictionary<string, object?>();
            faults.Add((Text(headers, "MT-Fault-ExceptionType"), Text(headers, "MT-Fault-RetryCount")));
        }
        return faults;
    }

    static string Text(IDictionary<string, object?> headers, string key) => headers.TryGetValue(key, out var value) switch
    {
        false => "(none)",
        _ when value is byte[] bytes => Encoding.UTF8.GetString(bytes),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "(null)",
    };

    async Task PublishRawAsync(JsonObject message)
    {
        var envelope = new JsonObject
        {
            ["messageId"] = Guid.NewGuid(),
            ["messageType"] = new JsonArray(MessageUrn.ForTypeString<FeedbackSubmitted>()),
            ["message"] = message,
            ["sentTime"] = DateTimeOffset.UtcNow,
        };
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true, MessageId = Guid.NewGuid().ToString() };
        // MassTransit binds an exchange of the queue's name to each of its queues.
        await channel.BasicPublishAsync(_queue, "", mandatory: true, properties, Encoding.UTF8.GetBytes(envelope.ToJsonString()));
    }

    async Task<uint> ErrorQueueLengthAsync()
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(_queue + "_error")).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0; // not declared yet: nothing has faulted
        }
    }

    static Task<IConnection> ConnectAsync() => new ConnectionFactory
    {
        HostName = RabbitMq.Host!,
        Port = int.TryParse(Environment.GetEnvironmentVariable("RABBITMQ_PORT"), out var port) ? port : 5672,
        VirtualHost = RabbitMq.VirtualHost!,
        UserName = "guest",
        Password = "guest",
    }.CreateConnectionAsync();

    static async Task WaitUntilHealthyAsync(HttpClient client)
    {
        await EventuallyAsync(async () =>
        {
            using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(30), "the worker's bus connected");
    }

    static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting until {what}");
            await Task.Delay(200);
        }
    }
}
