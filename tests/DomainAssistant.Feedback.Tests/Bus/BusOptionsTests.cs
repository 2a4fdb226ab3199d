using DomainAssistant.Feedback.Bus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Feedback.Tests.Bus;

public class BusOptionsTests
{
    static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();

    [Fact]
    public void Defaults_to_the_embedded_in_memory_bus_and_a_loopback_rabbitmq()
    {
        var options = BusOptions.From(Config());

        Assert.Equal(BusTransport.InMemory, options.TransportKind);
        Assert.Equal(("127.0.0.1", 5672, "guest", "/"), (options.RabbitMq.Host, options.RabbitMq.Port, options.RabbitMq.Username, options.RabbitMq.VirtualHost));
        Assert.Equal("feedback-submitted", options.FeedbackQueue);
    }

    [Fact]
    public void Binds_rabbitmq_settings_as_compose_sets_them()
    {
        var options = BusOptions.From(Config(
            ("Bus:Transport", "rabbitmq"), ("Bus:RabbitMq:Host", "rabbitmq"), ("Bus:RabbitMq:Port", "5673"),
            ("Bus:RabbitMq:Username", "assistant"), ("Bus:RabbitMq:Password", "secret"), ("Bus:RabbitMq:VirtualHost", "da"),
            ("Bus:Outbox:PublishTimeout", "00:00:02")));

        Assert.Equal(BusTransport.RabbitMq, options.TransportKind);
        Assert.Equal(("rabbitmq", 5673, "assistant", "secret", "da"),
            (options.RabbitMq.Host, options.RabbitMq.Port, options.RabbitMq.Username, options.RabbitMq.Password, options.RabbitMq.VirtualHost));
        Assert.Equal(TimeSpan.FromSeconds(2), options.Outbox.PublishTimeout);
    }

    [Theory]
    [InlineData("Bus:Transport", "Kafka", "Bus:Transport must be \"InMemory\" or \"RabbitMq\" (got \"Kafka\")")]
    [InlineData("Bus:Transport", "1", "Bus:Transport must be \"InMemory\" or \"RabbitMq\" (got \"1\")")]
    [InlineData("Bus:FeedbackQueue", "feedback queue", "Bus:FeedbackQueue must be letters, digits")]
    [InlineData("Bus:Outbox:BatchSize", "0", "Bus:Outbox:BatchSize must be between 1 and 10000 (got 0)")]
    [InlineData("Bus:FeedbackConcurrency", "0", "Bus:FeedbackConcurrency must be between 1 and 256 (got 0)")]
    public void Refuses_a_bad_setting_naming_its_key(string key, string value, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => BusOptions.From(Config((key, value))));

        Assert.StartsWith("Invalid bus configuration: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Checks_rabbitmq_settings_only_when_rabbitmq_carries_the_bus()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BusOptions.From(Config(
            ("Bus:Transport", "RabbitMq"), ("Bus:RabbitMq:Host", " "), ("Bus:RabbitMq:Port", "70000"))));

        Assert.Contains("Bus:RabbitMq:Host must name the RabbitMQ host", error.Message);
        Assert.Contains("Bus:RabbitMq:Port must be between 1 and 65535 (got 70000)", error.Message);
        BusOptions.From(Config(("Bus:RabbitMq:Port", "70000")));
    }

    [Fact]
    public void Refuses_a_misspelt_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BusOptions.From(Config(("Bus:RabbitMq:Hots", "rabbitmq"))));

        Assert.Contains("Hots", error.Message);
    }

    [Fact]
    public void Refuses_an_in_memory_bus_without_in_process_consumers()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<InvalidOperationException>(() => services.AddFeedbackBus(Config(("Jobs:RunInProcess", "false"))));

        Assert.Contains("Jobs:RunInProcess = false needs Bus:Transport = RabbitMq", error.Message);
    }
}
