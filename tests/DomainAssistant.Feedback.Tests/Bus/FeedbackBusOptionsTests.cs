using Microsoft.Extensions.Configuration;

namespace DomainAssistant.Feedback.Tests.Bus;

/// <summary>The feedback path's own keys in section Bus (the transport's are ServiceDefaults' and tested there).</summary>
public class FeedbackBusOptionsTests
{
    static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();

    [Fact]
    public void Defaults_to_the_feedback_submitted_queue()
    {
        var options = FeedbackBusOptions.From(Config());

        Assert.Equal("feedback-submitted", options.FeedbackQueue);
        Assert.Equal(256, options.FeedbackConcurrency);
    }

    [Fact]
    public void Binds_the_queue_and_the_outbox_as_compose_sets_them()
    {
        var options = FeedbackBusOptions.From(Config(
            ("Bus:Transport", "RabbitMq"), ("Bus:FeedbackQueue", "feedback-a"), ("Bus:FeedbackConcurrency", "3"),
            ("Bus:Outbox:PublishTimeout", "00:00:02")));

        Assert.Equal(("feedback-a", 3), (options.FeedbackQueue, options.FeedbackConcurrency));
        Assert.Equal(TimeSpan.FromSeconds(2), options.Outbox.PublishTimeout);
    }

    [Theory]
    [InlineData("Bus:FeedbackQueue", "feedback queue", "Bus:FeedbackQueue must be letters, digits")]
    [InlineData("Bus:Outbox:BatchSize", "0", "Bus:Outbox:BatchSize must be between 1 and 10000 (got 0)")]
    [InlineData("Bus:FeedbackConcurrency", "0", "Bus:FeedbackConcurrency must be between 1 and 256 (got 0)")]
    public void Refuses_a_bad_setting_naming_its_key(string key, string value, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => FeedbackBusOptions.From(Config((key, value))));

        Assert.StartsWith("Invalid bus configuration: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Refuses_a_misspelt_outbox_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FeedbackBusOptions.From(Config(("Bus:Outbox:BatchSise", "5"))));

        Assert.Contains("BatchSise", error.Message);
    }
}
