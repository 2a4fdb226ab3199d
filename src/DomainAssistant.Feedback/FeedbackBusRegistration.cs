using DomainAssistant.Feedback.Bus;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.Feedback.Publishing;
using DomainAssistant.Feedback.Recording;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Feedback;

/// <summary>The feedback path's composition: local store and outbox, the bus, and (in process) the filing consumer.</summary>
public static class FeedbackBusRegistration
{
    /// <summary>File name of the local feedback store (outbox) under <c>Storage:DataDirectory</c>.</summary>
    public const string FeedbackDatabase = "feedback.db";

    /// <summary>File name of the training-examples inbox under <c>Storage:DataDirectory</c>.</summary>
    public const string TrainingExamplesDatabase = "training-examples.db";

    /// <summary>
    /// Registers the bus (section <c>Bus</c>: in-memory or RabbitMQ with durable queues and publisher confirms),
    /// the local feedback store at <c>Storage:DataDirectory</c>/feedback.db, the outbox that publishes it, and
    /// <see cref="FeedbackRecorder"/>. When <c>Jobs:RunInProcess</c> is true (the default) it also registers the
    /// consumer that files feedback into <c>Storage:DataDirectory</c>/training-examples.db; false leaves
    /// consumers to Worker hosts. <paramref name="addConsumers"/> adds other parts' consumers to the same bus
    /// (MassTransit allows one bus registration per container).
    /// </summary>
    /// <exception cref="InvalidOperationException">The configuration is invalid; the message names the key.</exception>
    public static IServiceCollection AddFeedbackBus(this IServiceCollection services, IConfiguration configuration,
        Action<IBusRegistrationConfigurator>? addConsumers = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var bus = BusOptions.From(configuration);
        var runJobs = configuration.GetValue("Jobs:RunInProcess", true);
        if (bus.TransportKind == BusTransport.InMemory && !runJobs)
            throw new InvalidOperationException(
                "Invalid bus configuration: Jobs:RunInProcess = false needs Bus:Transport = RabbitMq; an in-memory bus " +
                "reaches only consumers in this process, so feedback would be published to nobody.");
        var dataDirectory = configuration.GetValue("Storage:DataDirectory", ".data")!;

        services.AddSingleton(bus);
        services.AddSingleton(bus.Outbox);
        AddRecording(services, bus.Outbox, dataDirectory);
        if (runJobs)
            services.TryAddSingleton<IFeedbackInbox>(_ => new SqliteFeedbackInbox(Path.Combine(dataDirectory, TrainingExamplesDatabase)));
        AddBus(services, bus, runJobs, addConsumers);
        // After AddMassTransit, so the bus is started before the outbox starts publishing (and stopped after).
        services.AddHostedService<FeedbackOutboxService>();
        return services;
    }

    // Store first, outbox second: the recorder returns once feedback is on disk; the outbox publishes it.
    static void AddRecording(IServiceCollection services, FeedbackOutboxOptions outbox, string dataDirectory)
    {
        services.TryAddSingleton<IFeedbackStore>(_ => new SqliteFeedbackStore(Path.Combine(dataDirectory, FeedbackDatabase)));
        services.TryAddSingleton(provider => new FeedbackOutbox(provider.GetRequiredService<IFeedbackStore>(),
            provider.GetRequiredService<IBus>(), outbox, provider.GetRequiredService<ILogger<FeedbackOutbox>>()));
        services.TryAddSingleton<FeedbackRecorder>();
    }

    static void AddBus(IServiceCollection services, BusOptions bus, bool runJobs, Action<IBusRegistrationConfigurator>? addConsumers) =>
        services.AddMassTransit(registration =>
        {
            registration.SetKebabCaseEndpointNameFormatter();
            registration.DisableUsageTelemetry(); // MassTransit would report usage to its vendor over the internet: a self-hosted product calls no one unasked
            if (runJobs) registration.AddConsumer<FeedbackSubmittedConsumer, FeedbackSubmittedConsumerDefinition>();
            addConsumers?.Invoke(registration);
            if (bus.TransportKind == BusTransport.RabbitMq)
                registration.UsingRabbitMq((context, rabbit) =>
                {
                    UseHost(rabbit, bus.RabbitMq);
                    rabbit.ConfigureEndpoints(context);
                });
            else
                registration.UsingInMemory((context, memory) => memory.ConfigureEndpoints(context));
        });

    static void UseHost(IRabbitMqBusFactoryConfigurator rabbit, RabbitMqOptions options) =>
        rabbit.Host(options.Host, (ushort)options.Port, options.VirtualHost, host =>
        {
            host.Username(options.Username);
            host.Password(options.Password);
            // A publish completes only when RabbitMQ has taken the message: the outbox marks feedback published then.
            host.PublisherConfirmation = true;
        });
}
