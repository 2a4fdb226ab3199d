namespace DomainAssistant.Api.Tests.Support;

/// <summary>
/// A fact that runs only against a real RabbitMQ (infra/services/rabbitmq.sh exports RABBITMQ_HOST), skipped with the
/// reason otherwise: without a broker a host on the RabbitMQ bus waits for it, and the test would fail on a timeout
/// that says nothing about what it checks.
/// </summary>
public sealed class RabbitMqFactAttribute : FactAttribute
{
    public static string? Host => Environment.GetEnvironmentVariable("RABBITMQ_HOST") is { Length: > 0 } host ? host : null;

    /// <summary>
    /// Bus settings for a host on that broker (port as the test command exported it), in the virtual host kept for this
    /// project: an API host binds the feedback queue, which the feedback tests, running at the same time in their own
    /// virtual host, must not see.
    /// </summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["Bus:Transport"] = "RabbitMq",
        ["Bus:RabbitMq:Host"] = Host,
        ["Bus:RabbitMq:Port"] = Environment.GetEnvironmentVariable("RABBITMQ_PORT") is { Length: > 0 } port ? port : "5672",
        ["Bus:RabbitMq:VirtualHost"] = Environment.GetEnvironmentVariable("RABBITMQ_API_VHOST") is { Length: > 0 } vhost ? vhost : "/",
    };

    public RabbitMqFactAttribute()
    {
        if (Host is null)
            Skip = "Skipped: RABBITMQ_HOST is not set. Run infra/services/rabbitmq.sh start and source artifacts/services/rabbitmq.env (infra/test.sh does both).";
    }
}
