using DomainAssistant.Api.Tests.Faults;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.Storage.PostgreSql;
using DomainAssistant.Storage.Tests;
using MassTransit;
using Xunit.Abstractions;

namespace DomainAssistant.Worker.Tests.Faults;

/// <summary>
/// Issue 20's fault "the worker killed (SIGKILL) mid-consume": a worker process files feedback from RabbitMQ into
/// PostgreSQL while a backlog is queued; it is killed once some but not all of it is filed (messages delivered to it
/// and not yet acknowledged die with it), more feedback arrives while no worker runs, and a new worker process
/// files the rest. Every feedback published is filed exactly once.
/// </summary>
[Collection(KilledWorkers.Name)]
public sealed class WorkerKilledMidConsumeTests(ITestOutputHelper output) : IDisposable
{
    const int Backlog = 1500;
    const int WhileDown = 300;
    const int AfterRestart = 300;
    static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    readonly string _data = Directory.CreateTempSubdirectory("worker-kill-consume-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [SkippableFact]
    public async Task Feedback_a_killed_worker_had_taken_is_filed_once_by_the_next_one()
    {
        await using var database = await ScratchPostgres.CreateAsync();
        using var broker = await ThrowawayBroker.StartAsync();
        var settings = BrokerSide.WorkerSettings(broker);
        settings["Storage:Database"] = "PostgreSql";
        settings["Storage:PostgreSqlConnection"] = database.ConnectionString;
        settings["Storage:DataDirectory"] = _data;
        await using var shared = new PostgresDatabase(database.ConnectionString);
        var inbox = new PostgresFeedbackInbox(shared);
        var bus = await BrokerSide.StartAsync(broker);
        try
        {
            // The first worker declares the feedback queue; from then on it holds what no worker has taken yet.
            using var first = await WorkerProcess.StartAsync(settings, Startup);
            var backlog = Feedbacks(Backlog);
            var publishing = PublishAsync(bus, backlog);

            // Killed mid-consume: once it filed some of the backlog, long before it could have filed it all.
            long filedWhenKilled;
            for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(10))
            {
                if (await inbox.CountAsync() >= Backlog / 10) break;
                Assert.True(DateTime.UtcNow < deadline, $"the first worker filed {await inbox.CountAsync()} of {Backlog} in 60 s:\n{first.Tail()}");
            }
            first.Kill();
            await publishing;
            await Task.Delay(500); // a commit already on its way to the server lands; nothing files after it
            filedWhenKilled = await inbox.CountAsync();
            Assert.InRange(filedWhenKilled, Backlog / 10, Backlog - 1); // the rest is queued or was in the dead worker's hands

            // Feedback keeps arriving while no worker runs: the queue keeps it.
            var whileDown = Feedbacks(WhileDown);
            await PublishAsync(bus, whileDown);
            Assert.Equal(filedWhenKilled, await inbox.CountAsync());

            using var second = await WorkerProcess.StartAsync(settings, Startup);
            var afterRestart = Feedbacks(AfterRestart);
            await PublishAsync(bus, afterRestart);

            var published = backlog.Concat(whileDown).Concat(afterRestart).Select(f => f.FeedbackId).ToHashSet();
            for (var deadline = DateTime.UtcNow.AddSeconds(60); await inbox.CountAsync() < published.Count; await Task.Delay(100))
                Assert.True(DateTime.UtcNow < deadline, $"{await inbox.CountAsync()} of {published.Count} filed after the restart:\n{second.Tail()}");
            await Task.Delay(1000); // a second filing of any of them would show up here

            var filed = (await inbox.ReadAsync(0, 10 * published.Count)).Select(f => f.Feedback.FeedbackId).ToList();
            Assert.Equal(published.Order(), filed.Order()); // none lost, none filed twice
            var redelivered = second.Output.Count(l => l.Contains("was already filed", StringComparison.Ordinal));
            output.WriteLine($"{filedWhenKilled} of {Backlog} filed when the first worker was killed; the second worker saw {redelivered} already filed");
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    /// <summary>Votes as the API's outbox publishes them, each with an id of its own.</summary>
    static List<FeedbackSubmitted> Feedbacks(int count) =>
    [
        .. Enumerable.Range(0, count).Select(i => new FeedbackSubmitted(Guid.NewGuid(), Guid.NewGuid(), i % 3 == 0 ? "down" : "up", null, [],
            $"Which bin takes glass jars ({i})?", ["c1"], "The blue bin takes glass jars [1].", "fault-test-model", null, null, null, "fernbrook-recycling",
            DateTimeOffset.UtcNow)),
    ];

    /// <summary>Publishes with the broker's confirms, 50 at a time, as several API processes' outboxes would.</summary>
    static async Task PublishAsync(IBus bus, IReadOnlyList<FeedbackSubmitted> feedbacks)
    {
        foreach (var chunk in feedbacks.Chunk(50)) await Task.WhenAll(chunk.Select(f => bus.Publish(f)));
    }
}
