using DomainAssistant.Contracts;
using DomainAssistant.Grounding;
using DomainAssistant.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Jobs.Bootstrap;

/// <summary>
/// Runs a <see cref="BootstrapDomainModel"/> job: publishes its progress as <see cref="JobProgressed"/>, then
/// <see cref="DomainModelBootstrapped"/>, or <see cref="JobFailed"/> with the reason (the full exception goes to
/// this host's log). A host that stops mid-run leaves the job to the next command: finished stages are reused.
/// </summary>
public sealed partial class BootstrapDomainModelConsumer(DomainModelBootstrap bootstrap, ILogger<BootstrapDomainModelConsumer> logger)
    : IConsumer<BootstrapDomainModel>
{
    public async Task Consume(ConsumeContext<BootstrapDomainModel> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var job = context.Message;
        using var span = AssistantTelemetry.Source.StartActivity("bootstrap-domain-model");
        span?.SetTag("domain", job.Domain);
        var progress = new PublishedProgress(context, job.JobId);
        try
        {
            var domain = DomainFile.Read(job.DomainFolder);
            if (domain.Name != job.Domain)
                throw new InvalidOperationException($"{job.DomainFolder} holds domain \"{domain.Name}\", not \"{job.Domain}\".");
            var built = await bootstrap.BuildAsync(job.JobId, domain, progress, context.CancellationToken);
            await progress.DrainAsync();
            await context.Publish(built, context.CancellationToken);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error)
        {
            LogFailed(error, job.JobId, job.Domain);
            await progress.FailAsync(error, logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: bootstrapping the model of {Domain} failed")]
    partial void LogFailed(Exception error, Guid jobId, string domain);
}
