namespace DomainAssistant.Api.Hosting;

/// <summary>
/// Waiting for the host to have started every hosted service, the bus among them: a message published to an
/// in-memory bus before it runs reaches no consumer, so background work that starts jobs waits for this first.
/// </summary>
public static class HostStarted
{
    public static async Task WhenStartedAsync(this IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => running.TrySetResult())) await running.Task.WaitAsync(cancellationToken);
    }
}
