using MassTransit;

namespace DomainAssistant.ServiceDefaults.Bus;

/// <summary>
/// A consumer's endpoint, named for every host alike, that hands it one message at a time: what each job handler and
/// each writer of job reports needs (the subclass says why).
/// </summary>
/// <typeparam name="TConsumer">The consumer.</typeparam>
public abstract class OneAtATimeDefinition<TConsumer> : ConsumerDefinition<TConsumer> where TConsumer : class, IConsumer
{
    /// <param name="endpointName">The queue's name (kebab-case, as the hosts' other endpoints).</param>
    protected OneAtATimeDefinition(string endpointName)
    {
        EndpointName = endpointName;
        ConcurrentMessageLimit = 1;
    }
}
