using RabbitMQ.Client;

namespace DomainAssistant.Feedback.Tests.Support;

/// <summary>
/// The RabbitMQ server the tests use: infra/services/rabbitmq.sh starts it and exports RABBITMQ_HOST and
/// RABBITMQ_PORT (guest/guest from loopback). Also inspects and removes the throwaway queues a test declared.
/// </summary>
public static class RabbitMqBroker
{
    public static string? Host => Environment.GetEnvironmentVariable("RABBITMQ_HOST") is { Length: > 0 } host ? host : null;

    /// <summary>The run's own virtual host (the start script makes a fresh one), so earlier runs' queues are not seen.</summary>
    public static string VirtualHost => Environment.GetEnvironmentVariable("RABBITMQ_VHOST") is { Length: > 0 } vhost ? vhost : "/";

    public static int Port => int.TryParse(Environment.GetEnvironmentVariable("RABBITMQ_PORT"), out var port) ? port : 5672;

    /// <summary>A queue name no other run uses, so runs never see each other's messages.</summary>
    public static string UniqueQueue() => $"feedback-submitted-test-{Guid.NewGuid():N}";

    /// <summary>Settings for a node on this broker: an API node (no consumers) or a worker node (files feedback).</summary>
    public static Dictionary<string, string?> Settings(string queue, string dataDirectory, bool runsConsumers) => new()
    {
        ["Bus:Transport"] = "RabbitMq",
        ["Bus:RabbitMq:Host"] = Host,
        ["Bus:RabbitMq:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Bus:RabbitMq:VirtualHost"] = VirtualHost,
        ["Bus:FeedbackQueue"] = queue,
        ["Storage:DataDirectory"] = dataDirectory,
        ["Jobs:RunInProcess"] = runsConsumers ? "true" : "false",
    };

    /// <summary>Messages ready in <paramref name="queue"/> (waiting for a consumer).</summary>
    public static async Task<uint> ReadyMessagesAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    /// <summary>Deletes the queue, its error and skipped queues, and the exchanges MassTransit made for them.</summary>
    public static async Task DeleteQueueAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        foreach (var name in new[] { queue, queue + "_error", queue + "_skipped" })
        {
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeleteAsync(name);
            await channel.ExchangeDeleteAsync(name);
        }
    }

    static Task<IConnection> ConnectAsync() =>
        new ConnectionFactory { HostName = Host!, Port = Port, VirtualHost = VirtualHost, UserName = "guest", Password = "guest" }.CreateConnectionAsync();
}

/// <summary>A fact that runs only against a real RabbitMQ, skipped with the reason when RABBITMQ_HOST is not set.</summary>
public sealed class RabbitMqFactAttribute : FactAttribute
{
    public RabbitMqFactAttribute()
    {
        if (RabbitMqBroker.Host is null)
            Skip = "Skipped: RABBITMQ_HOST is not set. Run infra/services/rabbitmq.sh start and source " +
                   "artifacts/services/rabbitmq.env (infra/test.sh does both).";
    }
}
