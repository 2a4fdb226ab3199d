using System.Globalization;
using DomainAssistant.Contracts;
using DomainAssistant.Evaluation.Gates;
using DomainAssistant.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Jobs.Gates;

/// <summary>
/// Runs a <see cref="GateAdapter"/> job: progress as <see cref="JobProgressed"/> notes, then <see cref="AdapterGated"/>
/// with the verdict, or <see cref="JobFailed"/> with the reason the gate could not run (the full exception goes to
/// this host's log). A failing verdict is a finished gate, not a failed job.
/// </summary>
public sealed partial class GateAdapterConsumer(AdapterGate gate, ILogger<GateAdapterConsumer> logger) : IConsumer<GateAdapter>
{
    public async Task Consume(ConsumeContext<GateAdapter> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var job = context.Message;
        using var span = AssistantTelemetry.Source.StartActivity("gate-adapter");
        span?.SetTag("adapter", job.AdapterId);
        var progress = new PublishedProgress(context, job.JobId);
        try
        {
            progress.Report($"gating {job.AdapterId}");
            var verdict = await gate.RunAsync(job, progress, context.CancellationToken);
            await progress.DrainAsync();
            var summary = verdict.Passed
                ? $"pass: all {verdict.Metrics.Count} metrics passed ({verdict.Suite})"
                : "fail: " + string.Join("; ", verdict.Metrics.Where(m => !m.Passed).Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Metric.Name()}: {m.Reason}")));
            await context.Publish(new AdapterGated(job.JobId, job.AdapterId, verdict.Verdict, summary, verdict.ReportPath), context.CancellationToken);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error)
        {
            LogFailed(error, job.JobId, job.AdapterId);
            await progress.FailAsync(error, logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: gating adapter {AdapterId} failed")]
    partial void LogFailed(Exception error, Guid jobId, string adapterId);
}
