using System.Net.Http.Headers;
using DomainAssistant.Api.Tests.Corpora;
using DomainAssistant.Api.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Api.Tests.Hostile;

/// <summary>
/// A self-hosted product calls no one its operator did not configure (issue 22: MassTransit's usage telemetry tried
/// to). The host runs with its optional parts on, all pointed at loopback: RabbitMQ bus, Qdrant vectors, model
/// embeddings, CORS; it answers chat, feedback and an upload, then stops (MassTransit reports usage on shutdown too);
/// every connection, request and name lookup in the process meanwhile must stay on this machine.
/// </summary>
[Collection(nameof(NoOutboundConnectionTests))]
public sealed class NoOutboundConnectionTests
{
    /// <summary>Runs with no other test at the same time: the watch is process-wide.</summary>
    [CollectionDefinition(nameof(NoOutboundConnectionTests), DisableParallelization = true)]
    public sealed class Alone;

    /// <remarks>
    /// Both buses: MassTransit reports usage only once its bus has started, which the in-memory bus always does and the
    /// RabbitMQ bus does where a broker runs (the test command starts one; without it that case is skipped).
    /// </remarks>
    [Fact]
    public Task The_host_with_every_optional_part_on_and_the_in_memory_bus_opens_no_connection_beyond_loopback() =>
        ServeAndWatchAsync(new Dictionary<string, string?> { ["Bus:Transport"] = "InMemory" });

    [RabbitMqFact]
    public Task The_host_with_every_optional_part_on_and_the_RabbitMQ_bus_opens_no_connection_beyond_loopback() =>
        ServeAndWatchAsync(RabbitMqFactAttribute.Settings());

    static async Task ServeAndWatchAsync(Dictionary<string, string?> bus)
    {
        using var watch = new OutboundConnections();
        var settings = new Dictionary<string, string?>(bus)
        {
            ["Retrieval:VectorStore"] = "Qdrant",
            ["Retrieval:Qdrant:Url"] = "http://127.0.0.1:6333",
            ["Retrieval:Embeddings"] = "Model",
            ["Cors:AllowedOrigins:0"] = "https://app.example",
        };
        using (var host = new LoopbackHost(settings, ReportUsageAtOnce))
        {
            using var client = host.Client();
            await Task.Delay(TimeSpan.FromSeconds(3)); // the bus and the index start, and try their servers
            (await client.GetAsync(new Uri("/health", UriKind.Relative))).Dispose();
            (await client.PostChatAsync(new { message = "When is the blue bin emptied?" })).Dispose();
            (await client.PostRawAsync("/api/feedback", "{\"rating\":\"up\"}")).Dispose();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AssistantHost.TeamKey);
            (await Uploads.PostAsync(client, Uploads.Of(("note.md", Uploads.Text("# Note\nA note."))))).Dispose();
        }

        Assert.Contains(watch.Seen, e => e.Contains("ConnectStart", StringComparison.Ordinal)); // the watch does see connections
        Assert.True(watch.Outbound.Count == 0, "outbound: " + string.Join("\n", watch.Outbound) + "\nall: " + string.Join("\n", watch.Seen));
    }

    // MassTransit reports usage at least 30 s after its bus starts, or when the host stops if told to: told so here, so
    // the test's few seconds would see the report if it were on (the switch that turns it off stays as the host sets it).
    static void ReportUsageAtOnce(IServiceCollection services) =>
        services.Configure<UsageTelemetryOptions>(options => options.ReportOnShutdown = true);

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("[::1]:5672", true)]
    [InlineData("InterNetwork:16:{22,40,127,0,0,1,0,0,0,0,0,0,0,0}", true)]
    [InlineData("InterNetworkV6:28:{24,189,0,0,0,0,0,0,0,0,0,0,0,0,0,0,255,255,127,0,0,1,0,0,0,0}", true)]
    [InlineData("InterNetworkV6:28:{1,187,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0}", true)]
    [InlineData("InterNetwork:16:{1,187,93,184,216,34,0,0,0,0,0,0,0,0}", false)]
    [InlineData("usage.example.com", false)]
    [InlineData("10.0.0.5", false)]
    public void Loopback_is_told_from_everything_else(string target, bool loopback) =>
        Assert.Equal(loopback, OutboundConnections.IsLoopback(target));
}
