using System.Collections.Concurrent;
using DomainAssistant.Contracts;
using MassTransit;

namespace DomainAssistant.Api.Jobs;

/// <summary>
/// Starts a long job on whichever host runs the job handlers (this process with <c>Jobs:RunInProcess</c>, else a
/// worker) and waits for its reports: progress notes as they come, then the result or the reason it failed.
/// <see cref="JobReportsConsumer"/> hands the reports in.
/// </summary>
public sealed class JobReports(IBus bus)
{
    readonly ConcurrentDictionary<Guid, Waiter> _waiting = new();

    /// <summary>Bootstraps a domain's model and says what to serve.</summary>
    /// <exception cref="InvalidOperationException">The job failed; the message says why.</exception>
    public async Task<DomainModelBootstrapped> BootstrapAsync(BootstrapDomainModel job, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(progress);
        return (DomainModelBootstrapped)await RunAsync(job, job.JobId, note => progress.Report(note.Note), cancellationToken);
    }

    /// <summary>Ingests a domain's corpus and says what it did (its record in the job store keeps the notes: <see cref="Corpora.CorpusJobs"/>).</summary>
    /// <exception cref="InvalidOperationException">The job failed; the message says why.</exception>
    public async Task<CorpusIngested> IngestAsync(IngestCorpus job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return (CorpusIngested)await RunAsync(job, job.JobId, null, cancellationToken);
    }

    /// <summary>Re-embeds the index into another space and says what it did; <paramref name="progress"/> gets each note whole (chunks done of all).</summary>
    /// <exception cref="InvalidOperationException">The job failed; the message says why.</exception>
    public async Task<IndexReembedded> ReembedAsync(ReembedIndex job, Action<JobProgressed> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(progress);
        return (IndexReembedded)await RunAsync(job, job.JobId, progress, cancellationToken);
    }

    async Task<object> RunAsync(object job, Guid jobId, Action<JobProgressed>? progress, CancellationToken cancellationToken)
    {
        var waiter = new Waiter(progress);
        _waiting[jobId] = waiter;
        try
        {
            await bus.Publish(job, cancellationToken);
            return await waiter.Done.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _waiting.TryRemove(jobId, out _);
        }
    }

    internal void Progressed(JobProgressed report)
    {
        if (_waiting.TryGetValue(report.JobId, out var waiter)) waiter.Progress?.Invoke(report);
    }

    /// <summary>A job this process waits for finished with <paramref name="result"/>, the message its handler ends with.</summary>
    internal void Finished(Guid jobId, object result)
    {
        if (_waiting.TryGetValue(jobId, out var waiter)) waiter.Done.TrySetResult(result);
    }

    internal void Failed(JobFailed report)
    {
        if (_waiting.TryGetValue(report.JobId, out var waiter)) waiter.Done.TrySetException(new InvalidOperationException(report.Error));
    }

    sealed record Waiter(Action<JobProgressed>? Progress)
    {
        public TaskCompletionSource<object> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
