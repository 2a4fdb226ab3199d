using System.Collections.Concurrent;
using MassTransit;

namespace DomainAssistant.ServiceDefaults.Bus;

/// <summary>
/// Counts, per queue, the messages this process gave up on: consumed with a fault after the retry policy, and so moved
/// to the queue's <c>_error</c> queue by MassTransit (a poison message, a message no consumer can read). Both hosts
/// show the counts on /health without turning it red: the consumer goes on with the next message, and someone should
/// look at the error queue.
/// </summary>
/// <remarks>
/// A receive observer sees each delivery once, after its retries: MassTransit defers a retried consume's fault until
/// the last attempt, so a message retried five times counts once. Counts start at zero with the process.
/// </remarks>
public sealed class FaultedMessages : IReceiveObserver
{
    readonly ConcurrentDictionary<string, QueueFaults> _queues = new(StringComparer.Ordinal);
    readonly TimeProvider _clock;

    public FaultedMessages(TimeProvider clock) => _clock = clock;

    /// <summary>Messages moved to an error queue since the process started, all queues together.</summary>
    public long Total => _queues.Values.Sum(q => Interlocked.Read(ref q.Count));

    /// <summary>What /health shows: the total and each queue's count, last fault time and reason.</summary>
    public FaultedMessagesReport Report() => new(Total, _queues.Where(q => Interlocked.Read(ref q.Value.Count) > 0)
        .ToDictionary(q => q.Key, q => q.Value.Snapshot(), StringComparer.Ordinal));

    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // A faulted delivery that still completed its receive was moved to the error queue (MassTransit's rescue).
        if (context.IsFaulted) Faults(context.InputAddress).Moved(_clock.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception) where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(exception);
        Faults(context.ReceiveContext.InputAddress).Failed(exception);
        return Task.CompletedTask;
    }

    public Task ReceiveFault(ReceiveContext context, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(exception);
        // A message no consumer could read (its body is not the type's shape) faults here, not in ConsumeFault.
        Faults(context.InputAddress).Failed(exception);
        return Task.CompletedTask;
    }

    QueueFaults Faults(Uri inputAddress) => _queues.GetOrAdd(QueueName(inputAddress), _ => new QueueFaults());

    /// <summary>The queue's name: the last segment of the endpoint's address (rabbitmq://host/vhost/queue?...).</summary>
    static string QueueName(Uri address) => address.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } segments
        ? Uri.UnescapeDataString(segments[^1])
        : address.ToString();

    sealed class QueueFaults
    {
        public long Count;
        readonly Lock _lock = new();
        DateTimeOffset? _last;
        string? _reason;

        public void Moved(DateTimeOffset at)
        {
            Interlocked.Increment(ref Count);
            lock (_lock) _last = at;
        }

        public void Failed(Exception exception)
        {
            lock (_lock) _reason = $"{exception.GetType().Name}: {exception.Message}";
        }

        public QueueFaultsReport Snapshot()
        {
            lock (_lock) return new QueueFaultsReport(Interlocked.Read(ref Count), _last, _reason);
        }
    }
}
