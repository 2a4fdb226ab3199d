using DomainAssistant.Contracts;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Jobs;

/// <summary>
/// A job's notes published as <see cref="JobProgressed"/> in the order reported. Training, gates and ingestion report
/// synchronously, from whatever thread does the work, so the publishes are chained, not awaited there; the handler
/// drains them before it publishes the outcome (<see cref="FailAsync"/> does both for a failure).
/// </summary>
sealed partial class PublishedProgress(ConsumeContext context, Guid jobId) : IProgress<string>
{
    readonly Lock _gate = new();
    Task _last = Task.CompletedTask;

    public void Report(string value) => Publish(new JobProgressed(jobId, value));

    /// <summary>A note with how far the job is: <paramref name="done"/> of <paramref name="total"/> steps.</summary>
    public void Report(string value, long done, long total) =>
        Publish(new JobProgressed(jobId, value, Step: done, Total: total, Fraction: total == 0 ? 0 : (double)done / total));

    public void Publish(JobProgressed note)
    {
        lock (_gate) _last = _last.ContinueWith(_ => context.Publish(note), TaskScheduler.Default).Unwrap();
    }

    public Task DrainAsync()
    {
        lock (_gate) return _last;
    }

    /// <summary>
    /// Ends the job as failed: the notes before the failure go out first (a lost note is only logged, the failure
    /// must still be told), then <see cref="JobFailed"/> with the reason, even while the host stops.
    /// </summary>
    public async Task FailAsync(Exception error, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            await DrainAsync();
        }
        catch (Exception lost)
        {
            LogNotesLost(logger, lost, jobId);
        }
        await context.Publish(new JobFailed(jobId, error.Message), CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: progress notes could not be published")]
    static partial void LogNotesLost(ILogger logger, Exception error, Guid jobId);
}
