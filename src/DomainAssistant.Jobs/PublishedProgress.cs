using DomainAssistant.Contracts;
using MassTransit;

namespace DomainAssistant.Jobs;

/// <summary>
/// A job's notes published as <see cref="JobProgressed"/> in the order reported. Training and gates report
/// synchronously, from whatever thread does the work, so the publishes are chained, not awaited there; the handler
/// drains them before it publishes the outcome.
/// </summary>
sealed class PublishedProgress(ConsumeContext context, Guid jobId) : IProgress<string>
{
    readonly Lock _gate = new();
    Task _last = Task.CompletedTask;

    public void Report(string value)
    {
        lock (_gate) _last = _last.ContinueWith(_ => context.Publish(new JobProgressed(jobId, value)), TaskScheduler.Default).Unwrap();
    }

    public Task DrainAsync()
    {
        lock (_gate) return _last;
    }
}
