namespace DomainAssistant.Worker.Tests;

/// <summary>
/// Worker hosts on one broker compete for the same queues (bootstrap-domain-model, feedback-submitted): their tests
/// run one at a time, so a job goes to the worker its test started.
/// </summary>
[CollectionDefinition(Name)]
public sealed class WorkersOnRabbitMq
{
    public const string Name = "workers on RabbitMQ";
}
