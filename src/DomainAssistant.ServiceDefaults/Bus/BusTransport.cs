namespace DomainAssistant.ServiceDefaults.Bus;

/// <summary>Which MassTransit transport carries the bus (<c>Bus:Transport</c>).</summary>
public enum BusTransport
{
    /// <summary>In-process: the embedded default, consumers in the same process.</summary>
    InMemory,

    /// <summary>RabbitMQ: durable queues and publisher confirms, consumers in any process.</summary>
    RabbitMq,
}
