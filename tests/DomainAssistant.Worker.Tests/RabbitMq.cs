namespace DomainAssistant.Worker.Tests;

/// <summary>
/// The RabbitMQ server the tests use: infra/services/rabbitmq.sh starts it and exports RABBITMQ_HOST, RABBITMQ_PORT
/// and RABBITMQ_WORKER_VHOST (guest/guest from loopback). The worker's tests have a virtual host of their own: a
/// worker binds a queue to the FeedbackSubmitted exchange, which the feedback tests, running at the same time,
/// check has no queue of theirs bound.
/// </summary>
public static class RabbitMq
{
    public static string? Host => Environment.GetEnvironmentVariable("RABBITMQ_HOST") is { Length: > 0 } host ? host : null;

    public static string? VirtualHost =>
        Environment.GetEnvironmentVariable("RABBITMQ_WORKER_VHOST") is { Length: > 0 } vhost ? vhost : null;

    /// <summary>Bus settings for a host on this broker.</summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["Bus:Transport"] = "RabbitMq",
        ["Bus:RabbitMq:Host"] = Host,
        ["Bus:RabbitMq:Port"] = Environment.GetEnvironmentVariable("RABBITMQ_PORT") is { Length: > 0 } port ? port : "5672",
        ["Bus:RabbitMq:VirtualHost"] = VirtualHost,
    };
}

/// <summary>A fact that runs only against a real RabbitMQ, skipped with the reason when RABBITMQ_HOST is not set.</summary>
public sealed class RabbitMqFactAttribute : FactAttribute
{
    public RabbitMqFactAttribute()
    {
        if (RabbitMq.Host is null || RabbitMq.VirtualHost is null)
            Skip = "RABBITMQ_HOST or RABBITMQ_WORKER_VHOST is not set: run infra/services/rabbitmq.sh start and source " +
                   "artifacts/services/rabbitmq.env (infra/test.sh does both).";
    }
}
