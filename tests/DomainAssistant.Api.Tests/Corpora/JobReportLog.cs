using System.Collections.Concurrent;
using DomainAssistant.Contracts;
using MassTransit;

namespace DomainAssistant.Api.Tests.Corpora;

/// <summary>
/// For handler tests on MassTransit's test harness: the reports a job's handler published, in order, as the API's
/// consumers receive them (the harness's own lists stop waiting once the bus has been idle a moment, shorter than a job
/// may take).
/// </summary>
sealed class JobReportLog
{
    readonly ConcurrentDictionary<Guid, List<JobProgressed>> _notes = new();
    readonly ConcurrentDictionary<Guid, TaskCompletionSource<object>> _ends = new();

    public IReadOnlyList<JobProgressed> Notes(Guid jobId)
    {
        var notes = _notes.GetOrAdd(jobId, _ => []);
        lock (notes) return [.. notes];
    }

    public Task<object> EndOfAsync(Guid jobId) => End(jobId).Task.WaitAsync(TimeSpan.FromSeconds(60));

    TaskCompletionSource<object> End(Guid jobId) => _ends.GetOrAdd(jobId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    public sealed class ReportConsumer(JobReportLog log) : IConsumer<JobProgressed>, IConsumer<CorpusIngested>, IConsumer<IndexReembedded>,
        IConsumer<JobFailed>
    {
        public Task Consume(ConsumeContext<JobProgressed> context)
        {
            var notes = log._notes.GetOrAdd(context.Message.JobId, _ => []);
            lock (notes) notes.Add(context.Message);
            return Task.CompletedTask;
        }

        public Task Consume(ConsumeContext<CorpusIngested> context) => Ended(context.Message.JobId, context.Message);

        public Task Consume(ConsumeContext<IndexReembedded> context) => Ended(context.Message.JobId, context.Message);

        public Task Consume(ConsumeContext<JobFailed> context) => Ended(context.Message.JobId, context.Message);

        Task Ended(Guid jobId, object report)
        {
            log.End(jobId).TrySetResult(report);
            return Task.CompletedTask;
        }
    }
}
