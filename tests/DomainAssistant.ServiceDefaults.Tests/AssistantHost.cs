using DomainAssistant.ServiceDefaults.Bus;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace DomainAssistant.ServiceDefaults.Tests;

/// <summary>A host composed as ours are (service defaults, then the bus with the given consumers), over the given settings only.</summary>
static class AssistantHost
{
    public static HostApplicationBuilder Builder(IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    public static IHost Build(IDictionary<string, string?> settings, Action<IBusRegistrationConfigurator> addConsumers,
        Action<HostApplicationBuilder>? also = null)
    {
        var builder = Builder(settings);
        var defaults = builder.AddServiceDefaults();
        builder.Services.AddAssistantBus(builder.Configuration, !defaults.Jobs.RunInProcess, addConsumers, []);
        also?.Invoke(builder);
        return builder.Build();
    }
}
