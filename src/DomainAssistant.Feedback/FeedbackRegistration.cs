using DomainAssistant.Feedback.Filing;
using DomainAssistant.Feedback.Publishing;
using DomainAssistant.Feedback.Recording;
using DomainAssistant.Storage.PostgreSql;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Feedback;

/// <summary>
/// The feedback path's two halves, each added by the host that runs it: recording (store first, then the outbox
/// publishes) where feedback arrives, and filing (the consumer) where bus consumers run. The bus itself is the
/// host's (ServiceDefaults' AddAssistantBus): MassTransit allows one bus registration per container.
/// </summary>
public static class FeedbackRegistration
{
    /// <summary>
    /// Registers the feedback store (the shared PostgreSQL database when the host registered one, the scale-out mode;
    /// else the SQLite file <paramref name="feedbackDatabase"/>), the outbox that publishes it and
    /// <see cref="FeedbackRecorder"/>. Call it after the bus is registered.
    /// </summary>
    /// <exception cref="InvalidOperationException">No bus is registered yet.</exception>
    public static IServiceCollection AddFeedbackRecording(this IServiceCollection services, FeedbackBusOptions options, string feedbackDatabase)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Hosted services start in registration order: the bus must start before the outbox publishes (and stop after).
        if (!services.Any(s => s.ServiceType == typeof(IBusControl)))
            throw new InvalidOperationException("Register the bus (AddAssistantBus) before AddFeedbackRecording: the outbox publishes on it.");
        services.TryAddSingleton(options.Outbox);
        services.TryAddSingleton<IFeedbackStore>(sp => sp.GetService<PostgresDatabase>() is { } shared
            ? new PostgresFeedbackStore(shared, claim: options.Outbox.PublishTimeout * 2)
            : new SqliteFeedbackStore(feedbackDatabase));
        services.TryAddSingleton(provider => new FeedbackOutbox(provider.GetRequiredService<IFeedbackStore>(),
            provider.GetRequiredService<IBus>(), options.Outbox, provider.GetRequiredService<ILogger<FeedbackOutbox>>()));
        services.TryAddSingleton<FeedbackRecorder>();
        services.AddHostedService<FeedbackOutboxService>();
        return services;
    }

    /// <summary>
    /// Adds the consumer that files each feedback once into the inbox (the shared PostgreSQL database when the host
    /// registered one, else the SQLite file <paramref name="trainingExamplesDatabase"/>), on queue
    /// <c>Bus:FeedbackQueue</c> with <c>Bus:FeedbackConcurrency</c> at once.
    /// </summary>
    public static IBusRegistrationConfigurator AddFeedbackFiling(this IBusRegistrationConfigurator bus, FeedbackBusOptions options,
        string trainingExamplesDatabase)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(options);
        bus.TryAddSingleton(options);
        // Consumers delivering at once share one transaction (GroupCommitInbox); readers pass through to the store.
        bus.TryAddSingleton<IFeedbackInbox>(sp => new GroupCommitInbox(sp.GetService<PostgresDatabase>() is { } shared
            ? new PostgresFeedbackInbox(shared)
            : new SqliteFeedbackInbox(trainingExamplesDatabase)));
        bus.AddConsumer<FeedbackSubmittedConsumer, FeedbackSubmittedConsumerDefinition>();
        return bus;
    }
}
