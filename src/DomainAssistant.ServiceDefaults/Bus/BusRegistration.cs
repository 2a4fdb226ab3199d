using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.ServiceDefaults.Bus;

/// <summary>
/// The process's one MassTransit bus: in memory (the embedded default) or RabbitMQ with durable queues and publisher
/// confirms. Each part adds its consumers through the callback; MassTransit allows one bus registration per container.
/// Every receive endpoint reports the messages it moves to an error queue to <see cref="FaultedMessages"/> (/health).
/// </summary>
public static class BusRegistration
{
    /// <summary>How long stopping waits for running consumers before it cancels them.</summary>
    public static TimeSpan ConsumerStopTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Registers the bus from section <c>Bus</c>. A host that exchanges messages with other processes (the API with
    /// <c>Jobs:RunInProcess</c> = false, or a worker) needs RabbitMQ: an in-memory bus reaches only this process.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The host's configuration.</param>
    /// <param name="reachesOtherProcesses">Whether what this host publishes is consumed elsewhere, or what it consumes published elsewhere.</param>
    /// <param name="addConsumers">Adds this host's consumers (each part's own registration extension).</param>
    /// <param name="partKeys">Keys under <c>Bus</c> that parts bind themselves, so that any other key is refused as misspelt.</param>
    /// <exception cref="InvalidOperationException">The configuration is invalid; the message names the key.</exception>
    public static IServiceCollection AddAssistantBus(this IServiceCollection services, IConfiguration configuration, bool reachesOtherProcesses,
        Action<IBusRegistrationConfigurator> addConsumers, IEnumerable<string> partKeys)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(addConsumers);
        var bus = BusOptions.From(configuration, partKeys);
        if (bus.TransportKind == BusTransport.InMemory && reachesOtherProcesses)
            throw new InvalidOperationException(
                "Invalid bus configuration: Jobs:RunInProcess = false needs Bus:Transport = RabbitMq, and so does a worker host; " +
                "an in-memory bus reaches only consumers in this process, so what is published would reach nobody.");
        services.AddSingleton(bus);
        services.AddSingleton(provider => new FaultedMessages(provider.GetService<TimeProvider>() ?? TimeProvider.System));
        // A long job (a model's bootstrap) stops with its host: the consume's token is cancelled this long after the bus
        // starts stopping. Its message is then delivered again, and the job resumes from what it wrote.
        services.AddOptions<MassTransitHostOptions>().Configure(host => host.ConsumerStopTimeout ??= ConsumerStopTimeout);
        services.AddMassTransit(registration =>
        {
            // MassTransit otherwise reports usage to its vendor on start; our hosts make no connection they are not told to.
            registration.DisableUsageTelemetry();
            registration.SetKebabCaseEndpointNameFormatter();
            addConsumers(registration);
            if (bus.TransportKind == BusTransport.RabbitMq)
                registration.UsingRabbitMq((context, rabbit) =>
                {
                    UseHost(rabbit, bus.RabbitMq);
                    rabbit.ConnectReceiveObserver(context.GetRequiredService<FaultedMessages>());
                    rabbit.ConfigureEndpoints(context);
                });
            else
                registration.UsingInMemory((context, memory) =>
                {
                    memory.ConnectReceiveObserver(context.GetRequiredService<FaultedMessages>());
                    memory.ConfigureEndpoints(context);
                });
        });
        return services;
    }

    static void UseHost(IRabbitMqBusFactoryConfigurator rabbit, RabbitMqOptions options) =>
        rabbit.Host(options.Host, (ushort)options.Port, options.VirtualHost, host =>
        {
            host.Username(options.Username);
            host.Password(options.Password);
            // A publish completes only when RabbitMQ has taken the message: the outbox marks feedback published then.
            host.PublisherConfirmation = true;
        });
}
