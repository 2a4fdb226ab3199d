using System.Globalization;
using DomainAssistant.Contracts;
using DomainAssistant.Storage.Jobs;
using MassTransit;

namespace DomainAssistant.Api.Operator;

/// <summary>
/// The end of an alignment run: its adapter's rollout (<see cref="AlignmentRollout"/>: an experiment for a passing
/// adapter), then the run's job record finished with the verdict and what the rollout did. On the reports' queue
/// (<see cref="AlignmentRunReportsConsumerDefinition"/>), so it follows the run's earlier reports. A second delivery
/// starts nothing new: the rollout finds its own experiment and says so.
/// </summary>
public sealed partial class AlignmentRunFinishedConsumer(IJobStore jobs, AlignmentRollout rollout, TimeProvider clock,
    ILogger<AlignmentRunFinishedConsumer> logger) : IConsumer<AlignmentRunFinished>
{
    public async Task Consume(ConsumeContext<AlignmentRunFinished> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var done = context.Message;
        string rolledOut;
        try
        {
            rolledOut = await rollout.StartAsync(done, context.CancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The verdict is still recorded; the adapter waits for an operator, and the record and the log say why.
            LogRolloutFailed(error, done.JobId, done.Domain);
            rolledOut = $"rollout failed: {error.Message}";
        }
        if (await AlignmentRunReportsConsumer.OursAsync(jobs, done.JobId, context.CancellationToken) is not { } job) return;
        var failed = done.FailedMetrics.Count == 0 ? "" : $"; failed: {string.Join("; ", done.FailedMetrics)}";
        await jobs.SaveAsync(job with
        {
            State = JobStates.Succeeded, Progress = 1, FinishedAt = clock.GetUtcNow(), StartedAt = job.StartedAt ?? clock.GetUtcNow(), Stage = null,
            Message = string.Create(CultureInfo.InvariantCulture,
                $"gate verdict: {done.Verdict}; {done.Method} adapter {done.AdapterSha256[..12]} at {done.AdapterFolder}, learned from {done.Votes} votes (filed {done.FirstSequence} to {done.LastSequence}); report {done.ReportPath}{failed}; {rolledOut}"),
        }, context.CancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Alignment run {JobId} of {Domain}: its rollout failed; the verdict is recorded and the adapter left to an operator")]
    partial void LogRolloutFailed(Exception error, Guid jobId, string domain);
}
