using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace DomainAssistant.ServiceDefaults.Tests;

public sealed class ServiceDefaultsTests
{
    /// <summary>A message of this test only.</summary>
    public sealed record Ping(Guid Id);

    /// <summary>Takes <see cref="Ping"/>s and says so.</summary>
    public sealed class PingConsumer(TaskCompletionSource<Guid> received) : IConsumer<Ping>
    {
        public Task Consume(ConsumeContext<Ping> context)
        {
            ArgumentNullException.ThrowIfNull(context);
            received.TrySetResult(context.Message.Id);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public void MassTransit_reports_no_usage_to_its_vendor()
    {
        using var host = AssistantHost.Build(new Dictionary<string, string?>(), _ => { });

        Assert.False(host.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }

    [Fact]
    public void Storage_and_jobs_settings_are_bound_once_and_shared()
    {
        using var host = AssistantHost.Build(new Dictionary<string, string?> { ["Storage:DataDirectory"] = "/data/da" }, _ => { });

        var storage = host.Services.GetRequiredService<StorageOptions>();
        Assert.Equal(Path.Combine("/data/da", "feedback.db"), storage.FeedbackDatabase);
        Assert.Equal(Path.Combine("/data/da", "jobs.db"), storage.JobsDatabase);
        Assert.True(host.Services.GetRequiredService<JobsOptions>().RunInProcess, "jobs run in the API process by default");
    }

    [Fact]
    public void Framework_logs_start_at_warning_and_any_setting_overrides_them()
    {
        var builder = AssistantHost.Builder(new Dictionary<string, string?> { ["Logging:LogLevel:MassTransit"] = "Debug" });

        builder.AddServiceDefaults();

        Assert.Equal("Warning", builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"]);
        Assert.Equal("Information", builder.Configuration["Logging:LogLevel:Default"]);
        Assert.Equal("Debug", builder.Configuration["Logging:LogLevel:MassTransit"]);
    }

    [Theory]
    [InlineData("Storage:DataDirectory", " ", "Storage:DataDirectory must name a folder")]
    [InlineData("Storage:DataDirectry", "x", "DataDirectry")]
    [InlineData("Jobs:RunInProcess", "sometimes", "RunInProcess")]
    public void A_setting_that_cannot_work_stops_the_host_naming_its_key(string key, string value, string named)
    {
        var builder = AssistantHost.Builder(new Dictionary<string, string?> { [key] = value });

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddServiceDefaults());

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public async Task A_message_through_the_bus_leaves_traces_and_metrics()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        var received = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = AssistantHost.Build(new Dictionary<string, string?>(), bus => bus.AddConsumer<PingConsumer>(), builder =>
        {
            builder.Services.AddSingleton(received);
            builder.Services.AddOpenTelemetry()
                .WithTracing(tracing => tracing.AddInMemoryExporter(spans))
                .WithMetrics(meters => meters.AddInMemoryExporter(metrics));
        });
        await host.StartAsync();
        var id = Guid.NewGuid();

        using (AssistantTelemetry.Source.StartActivity("test-work"))
            await host.Services.GetRequiredService<IBus>().Publish(new Ping(id));
        Assert.Equal(id, await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await host.StopAsync();
        host.Services.GetRequiredService<MeterProvider>().ForceFlush();
        host.Services.GetRequiredService<TracerProvider>().ForceFlush();

        Assert.Contains(spans, s => s.Source.Name == AssistantTelemetry.Name && s.DisplayName == "test-work");
        Assert.Contains(spans, s => s.Source.Name == Telemetry.MassTransitName);
        Assert.Contains(metrics, m => m.MeterName == Telemetry.MassTransitName);
    }
}
