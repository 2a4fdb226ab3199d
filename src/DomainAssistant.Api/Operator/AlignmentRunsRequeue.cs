using DomainAssistant.Api.Hosting;
using DomainAssistant.Contracts;
using DomainAssistant.Jobs.Alignment;
using DomainAssistant.ServiceDefaults.Bus;
using MassTransit;

namespace DomainAssistant.Api.Operator;

/// <summary>
/// Once the host (and its bus) has started, sends again the alignment runs an earlier process left queued or running,
/// so a crash never leaves a domain answering 409 to new runs for good. On an in-memory bus every such run is sent
/// again (its message died with the process); on RabbitMQ only a run whose start message was never known to go out
/// (the process stopped between queueing and publishing), since the broker redelivers the others by itself. The
/// handler resumes a running run from its policy checkpoint. Budget, fewest votes and seed are not kept in the
/// ledger, so a run sent again takes the handler's settings.
/// </summary>
public sealed partial class AlignmentRunsRequeue(IAlignmentRunLedger ledger, IBus bus, BusOptions busOptions, IHostApplicationLifetime lifetime,
    TimeProvider clock, ILogger<AlignmentRunsRequeue> logger) : BackgroundService
{
    readonly DateTimeOffset _started = clock.GetUtcNow();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await lifetime.WhenStartedAsync(stoppingToken);
        var inMemory = busOptions.TransportKind == BusTransport.InMemory;
        foreach (var run in await ledger.UnfinishedAsync(stoppingToken))
        {
            // Runs queued since this start are sent as they come.
            if (run.CreatedAt >= _started || (!inMemory && run.Published)) continue;
            await bus.Publish(new StartAlignmentRun(run.Id, run.Domain, run.Method, run.RequestedBy, null, null, null), stoppingToken);
            await ledger.MarkPublishedAsync(run.Id, stoppingToken);
            LogSentAgain(run.Id, run.Domain, run.State);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alignment run {JobId} of {Domain} was left {State} by an earlier process: sent again")]
    partial void LogSentAgain(Guid jobId, string domain, string state);
}
