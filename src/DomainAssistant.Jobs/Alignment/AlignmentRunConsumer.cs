using DomainAssistant.Contracts;
using DomainAssistant.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Jobs.Alignment;

/// <summary>
/// Runs a <see cref="StartAlignmentRun"/> job (<see cref="DomainAlignment"/>): records it running in the ledger,
/// publishes its progress as <see cref="JobProgressed"/>, then <see cref="AlignmentRunFinished"/> with the gate's
/// verdict, or <see cref="JobFailed"/> with the reason (the full exception goes to this host's log). A message for a
/// run that finished already changes nothing. A host that stops mid-run leaves the run running in the ledger and the
/// message unacknowledged: the next delivery resumes the policy from its checkpoint.
/// </summary>
public sealed partial class AlignmentRunConsumer(DomainAlignment alignment, IAlignmentRunLedger ledger, TimeProvider clock, ILogger<AlignmentRunConsumer> logger)
    : IConsumer<StartAlignmentRun>
{
    public async Task Consume(ConsumeContext<StartAlignmentRun> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var job = context.Message;
        using var span = AssistantTelemetry.Source.StartActivity("alignment-run");
        span?.SetTag("domain", job.Domain);
        span?.SetTag("method", job.Method);
        if (await ledger.StartAsync(job, clock.GetUtcNow(), context.CancellationToken) is null)
        {
            LogAlreadyFinished(job.JobId);
            return;
        }
        var notes = new PublishedProgress(context, job.JobId);
        try
        {
            var finished = await alignment.RunAsync(job, new AlignmentProgress(job.JobId, notes.Publish, clock), context.CancellationToken);
            await ledger.SucceedAsync(job.JobId, finished.Verdict, finished.AdapterFolder, finished.AdapterSha256, clock.GetUtcNow(), context.CancellationToken);
            await notes.DrainAsync();
            await context.Publish(finished, context.CancellationToken);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error)
        {
            LogFailed(error, job.JobId, job.Domain);
            await ledger.FailAsync(job.JobId, error.Message, clock.GetUtcNow(), CancellationToken.None);
            await notes.FailAsync(error, logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alignment run {JobId} finished before; this delivery changes nothing")]
    partial void LogAlreadyFinished(Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alignment run {JobId} of {Domain} failed")]
    partial void LogFailed(Exception error, Guid jobId, string domain);
}
