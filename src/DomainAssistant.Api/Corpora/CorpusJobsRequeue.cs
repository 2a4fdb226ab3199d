using DomainAssistant.Api.Hosting;
using DomainAssistant.ServiceDefaults.Bus;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// Once the host (and its bus) has started, sends again the corpus ingestion jobs an earlier process left unfinished,
/// as the API's own ingestion queue did before the bus. Only an in-memory bus needs it: its messages die with the
/// process, while RabbitMQ delivers an unacknowledged <c>IngestCorpus</c> again by itself (sending it twice would run
/// the job twice, harmlessly but for nothing).
/// </summary>
public sealed class CorpusJobsRequeue(CorpusJobs jobs, BusOptions bus, IHostApplicationLifetime lifetime, TimeProvider clock) : BackgroundService
{
    readonly DateTimeOffset _started = clock.GetUtcNow();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (bus.TransportKind != BusTransport.InMemory) return;
        // Jobs queued from now on are sent as they come.
        await lifetime.WhenStartedAsync(stoppingToken);
        await jobs.RequeueAsync(_started, stoppingToken);
    }
}
