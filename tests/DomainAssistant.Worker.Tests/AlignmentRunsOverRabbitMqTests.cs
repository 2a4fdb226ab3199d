using System.Collections.Concurrent;
using DomainAssistant.Contracts;
using MassTransit;

namespace DomainAssistant.Worker.Tests;

/// <summary>
/// The scale-out alignment path: votes published by another process (here the test's own bus, as the API's outbox
/// publishes them) are filed by the worker, whose trigger starts one run after N of them; the worker runs it and
/// reports the outcome over the broker. The run fails at its first check (the votes are fewer than a run needs): what
/// is tested is the worker hosting trigger and run, not the training (tested on the embedded pipeline).
/// </summary>
[Collection(WorkersOnRabbitMq.Name)]
public sealed class AlignmentRunsOverRabbitMqTests : IDisposable
{
    const string Domain = "tidewell-support";
    readonly string _data = Directory.CreateTempSubdirectory("worker-alignment-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [RabbitMqFact]
    public async Task The_worker_starts_one_run_after_N_filed_votes_and_reports_why_it_failed()
    {
        var settings = RabbitMq.Settings();
        settings["Storage:DataDirectory"] = _data;
        settings["Alignment:RunAfterFeedbacks"] = "3";
        settings["Alignment:MinVotes"] = "100";
        settings["Alignment:EvalSuites"] = Path.Combine(RepositoryRoot.Path, "eval-suites");
        using var worker = new WorkerHost(settings);
        _ = worker.Services;

        var starts = new ConcurrentQueue<StartAlignmentRun>();
        var failed = new TaskCompletionSource<JobFailed>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sender = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(RabbitMq.Host, ushort.Parse(settings["Bus:RabbitMq:Port"]!, System.Globalization.CultureInfo.InvariantCulture), RabbitMq.VirtualHost, host =>
            {
                host.Username("guest");
                host.Password("guest");
            });
            rabbit.ReceiveEndpoint($"worker-test-alignment-{Guid.NewGuid():N}", endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Durable = false;
                endpoint.Handler<StartAlignmentRun>(context => { starts.Enqueue(context.Message); return Task.CompletedTask; });
                endpoint.Handler<JobFailed>(context =>
                {
                    if (starts.Any(s => s.JobId == context.Message.JobId)) failed.TrySetResult(context.Message);
                    return Task.CompletedTask;
                });
            });
        });
        await sender.StartAsync();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 3).Select(i => sender.Publish(new FeedbackSubmitted(Guid.NewGuid(), Guid.NewGuid(), "up", null, [],
                $"How do I reset my Tidewell meter {i}?", [], "Hold the reset button for five seconds [1].", "tidewell-support-grounded", null, null, null, Domain,
                DateTimeOffset.UtcNow))));

            var failure = await failed.Task.WaitAsync(TimeSpan.FromMinutes(2));
            await Task.Delay(TimeSpan.FromSeconds(1));

            var start = Assert.Single(starts);
            Assert.Equal((Domain, "rloo", "feedback-trigger", failure.JobId), (start.Domain, start.Method, start.RequestedBy, start.JobId));
            Assert.Contains("too few votes to train on: 3 usable of 3 read", failure.Error, StringComparison.Ordinal);
            Assert.Contains("at least 100 are needed", failure.Error, StringComparison.Ordinal);
        }
        finally
        {
            await sender.StopAsync();
        }
    }
}
