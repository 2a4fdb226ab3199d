using System.Globalization;
using DomainAssistant.Api.Tests.Faults;
using MassTransit;

namespace DomainAssistant.Worker.Tests.Faults;

/// <summary>
/// The other processes' side of a test broker: a bus in the test process that publishes what API processes publish
/// (feedback, alignment runs) and, when asked, receives the reports a worker publishes on a queue of its own.
/// </summary>
public static class BrokerSide
{
    /// <summary>The settings that put a worker on <paramref name="broker"/>.</summary>
    public static Dictionary<string, string> WorkerSettings(ThrowawayBroker broker)
    {
        ArgumentNullException.ThrowIfNull(broker);
        return new Dictionary<string, string>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:RabbitMq:Host"] = "127.0.0.1",
            ["Bus:RabbitMq:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A started bus on <paramref name="broker"/>; <paramref name="reports"/>, when given, configures a temporary queue of its own.</summary>
    public static async Task<IBusControl> StartAsync(ThrowawayBroker broker, Action<IRabbitMqReceiveEndpointConfigurator>? reports = null)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host("127.0.0.1", (ushort)broker.Port, "/", host =>
            {
                host.Username("guest");
                host.Password("guest");
            });
            if (reports is not null)
                rabbit.ReceiveEndpoint($"worker-fault-reports-{Guid.NewGuid():N}", endpoint =>
                {
                    endpoint.AutoDelete = true;
                    endpoint.Durable = false;
                    reports(endpoint);
                });
        });
        await bus.StartAsync();
        return bus;
    }
}
