using DomainAssistant.Retrieval.Configuration;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Api.Tests.Corpora;

/// <summary>
/// A corpus job handler as a host runs it, on MassTransit's test harness: the retrieval library registered over a data
/// folder of the test's own, the port the host implements, the handler, and a <see cref="JobReportLog"/> of its reports.
/// </summary>
static class HandlerHarness
{
    /// <param name="dataDirectory">Storage:DataDirectory: where the index is written.</param>
    /// <param name="port">Registers the host's side of the handler's port.</param>
    /// <param name="handler">Adds the handler's consumer.</param>
    public static ServiceProvider Build(string dataDirectory, Action<IServiceCollection> port, Action<IBusRegistrationConfigurator> handler)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = dataDirectory })
            .Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddRetrieval(configuration)
            .AddSingleton<JobReportLog>();
        port(services);
        return services
            .AddMassTransitTestHarness(bus =>
            {
                handler(bus);
                bus.AddConsumer<JobReportLog.ReportConsumer>();
            })
            .BuildServiceProvider(validateScopes: true);
    }
}
