namespace DomainAssistant.ServiceDefaults.Bus;

/// <summary>The faulted messages of this process, on /health.</summary>
/// <param name="Total">Messages moved to an error queue, all queues together.</param>
/// <param name="Queues">Each queue that had a fault (by name; its error queue is the name with <c>_error</c>).</param>
public sealed record FaultedMessagesReport(long Total, IReadOnlyDictionary<string, QueueFaultsReport> Queues);

/// <summary>One queue's faulted messages.</summary>
/// <param name="Count">Messages moved to its error queue.</param>
/// <param name="LastMovedAt">When the last one was moved.</param>
/// <param name="LastReason">The last fault's exception type and message.</param>
public sealed record QueueFaultsReport(long Count, DateTimeOffset? LastMovedAt, string? LastReason);
