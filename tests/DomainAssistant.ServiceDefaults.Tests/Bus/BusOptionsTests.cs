using DomainAssistant.ServiceDefaults.Bus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.ServiceDefaults.Tests.Bus;

public class BusOptionsTests
{
    static readonly string[] FeedbackKeys = ["FeedbackQueue", "FeedbackConcurrency", "Outbox"];

    static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();

    [Fact]
    public void Defaults_to_the_embedded_in_memory_bus_and_a_loopback_rabbitmq()
    {
        var options = BusOptions.From(Config(), []);

        Assert.Equal(BusTransport.InMemory, options.TransportKind);
        Assert.Equal(("127.0.0.1", 5672, "guest", "/"), (options.RabbitMq.Host, options.RabbitMq.Port, options.RabbitMq.Username, options.RabbitMq.VirtualHost));
    }

    [Fact]
    public void Binds_rabbitmq_settings_as_compose_sets_them_beside_the_keys_parts_own()
    {
        var options = BusOptions.From(Config(
            ("Bus:Transport", "rabbitmq"), ("Bus:RabbitMq:Host", "rabbitmq"), ("Bus:RabbitMq:Port", "5673"),
            ("Bus:RabbitMq:Username", "assistant"), ("Bus:RabbitMq:Password", "secret"), ("Bus:RabbitMq:VirtualHost", "da"),
            ("Bus:FeedbackQueue", "feedback-a"), ("Bus:Outbox:PublishTimeout", "00:00:02")), FeedbackKeys);

        Assert.Equal(BusTransport.RabbitMq, options.TransportKind);
        Assert.Equal(("rabbitmq", 5673, "assistant", "secret", "da"),
            (options.RabbitMq.Host, options.RabbitMq.Port, options.RabbitMq.Username, options.RabbitMq.Password, options.RabbitMq.VirtualHost));
    }

    [Theory]
    [InlineData("Kafka")]
    [InlineData("1")]
    public void Refuses_an_unknown_transport_naming_the_key(string transport)
    {
        var error = Assert.Throws<InvalidOperationException>(() => BusOptions.From(Config(("Bus:Transport", transport)), []));

        Assert.Equal($"Invalid bus configuration: Bus:Transport must be \"InMemory\" or \"RabbitMq\" (got \"{transport}\").", error.Message);
    }

    [Fact]
    public void Checks_rabbitmq_settings_only_when_rabbitmq_carries_the_bus()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BusOptions.From(Config(
            ("Bus:Transport", "RabbitMq"), ("Bus:RabbitMq:Host", " "), ("Bus:RabbitMq:Port", "70000")), []));

        Assert.Contains("Bus:RabbitMq:Host must name the RabbitMQ host", error.Message);
        Assert.Contains("Bus:RabbitMq:Port must be between 1 and 65535 (got 70000)", error.Message);
        BusOptions.From(Config(("Bus:RabbitMq:Port", "70000")), []);
    }

    [Theory]
    [InlineData("Bus:RabbitMq:Hots", "Hots")]
    [InlineData("Bus:Transprt", "Bus:Transprt")]
    [InlineData("Bus:FeedbackQueue", "Bus:FeedbackQueue")]
    public void Refuses_a_key_no_part_owns(string key, string named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => BusOptions.From(Config((key, "x")), []));

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void Refuses_an_in_memory_bus_without_in_process_consumers()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<InvalidOperationException>(() =>
            services.AddAssistantBus(Config(), reachesOtherProcesses: true, _ => { }, []));

        Assert.Contains("Jobs:RunInProcess = false needs Bus:Transport = RabbitMq", error.Message);
    }
}
