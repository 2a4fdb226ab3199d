using DomainAssistant.ServiceDefaults;
using DomainAssistant.ServiceDefaults.Bus;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DomainAssistant.Feedback.Tests.Support;

/// <summary>
/// One process of the feedback path as a host builds it (an API node or a worker node): the service defaults, the
/// bus with the filing consumer when Jobs:RunInProcess is true, and feedback recording, over the given settings only
/// (no environment variables, no appsettings), started and stopped like a real host.
/// </summary>
public sealed class FeedbackNode : IAsyncDisposable
{
    readonly IHost _host;
    bool _started;

    FeedbackNode(IHost host) => _host = host;

    /// <param name="settings">The configuration keys, exactly as a host would read them.</param>
    /// <param name="waitUntilBusStarted">Start returns only once the bus is connected and its queues are declared.</param>
    public static FeedbackNode Create(IDictionary<string, string?> settings, bool waitUntilBusStarted = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        var host = builder.AddServiceDefaults();
        var feedback = FeedbackBusOptions.From(builder.Configuration);
        builder.Services.AddAssistantBus(builder.Configuration, !host.Jobs.RunInProcess, bus =>
        {
            if (host.Jobs.RunInProcess) bus.AddFeedbackFiling(feedback, host.Storage.TrainingExamplesDatabase);
        }, FeedbackBusOptions.Keys);
        builder.Services.AddFeedbackRecording(feedback, host.Storage.FeedbackDatabase);
        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            options.WaitUntilStarted = waitUntilBusStarted;
            options.StartTimeout = TimeSpan.FromSeconds(30);
            options.StopTimeout = TimeSpan.FromSeconds(10);
        });
        return new FeedbackNode(builder.Build());
    }

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    public async Task StartAsync()
    {
        await _host.StartAsync();
        _started = true;
    }

    public async Task StopAsync()
    {
        if (!_started) return;
        _started = false;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
