using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using DomainAssistant.Api.Tests.Faults;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.Jobs.Alignment;
using DomainAssistant.Storage.Lineage;
using DomainAssistant.Storage.PostgreSql;
using DomainAssistant.Storage.Tests;
using DomainAssistant.Training.Checkpointing;
using DomainAssistant.Training.Tests.Support;
using MassTransit;
using Xunit.Abstractions;

namespace DomainAssistant.Worker.Tests.Faults;

/// <summary>
/// Issue 20's fault "the worker killed (SIGKILL) mid-training": a KTO alignment run, over a tiny random model, in a
/// worker process that is killed once the run has written a checkpoint. The run's start message was not acknowledged,
/// so the broker hands it to the next worker process, which resumes the policy from that checkpoint (not from step 0),
/// on the votes the first attempt exported (not those filed since), and finishes the run: trained, gated, succeeded.
/// </summary>
[Collection(KilledWorkers.Name)]
public sealed class WorkerKilledMidTrainingTests(ITestOutputHelper output) : IDisposable
{
    const string Domain = "fernbrook-recycling";
    const int Prompts = 20;
    static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    static readonly bool[] UpAndDown = [true, false];

    readonly TempFolder _work = new();

    public void Dispose() => _work.Dispose();

    [SkippableFact]
    public async Task A_run_killed_after_its_checkpoint_resumes_there_in_the_next_worker_and_finishes()
    {
        await using var database = await ScratchPostgres.CreateAsync();
        using var broker = await ThrowawayBroker.StartAsync();
        using var tokenizer = new TrainedTokenizer();
        var model = UntrainedModelFolder.Write(Path.Combine(_work.Path, "model"), tokenizer);
        var data = Directory.CreateDirectory(Path.Combine(_work.Path, "data")).FullName;
        var settings = BrokerSide.WorkerSettings(broker);
        settings["Storage:Database"] = "PostgreSql";
        settings["Storage:PostgreSqlConnection"] = database.ConnectionString;
        settings["Storage:DataDirectory"] = data;
        settings["Model:Path"] = model;
        settings["Alignment:EvalSuites"] = GateSuites();
        settings["Alignment:RunAfterFeedbacks"] = "0"; // only the run this test sends
        settings["Alignment:MaxLength"] = "64";
        // 40 votes, 5 steps an epoch: 150 steps, a checkpoint every 20, so the kill lands long before the end.
        settings["Alignment:KtoEpochs"] = "30";
        await using var shared = new PostgresDatabase(database.ConnectionString);
        var ledger = new PostgresAlignmentRunLedger(shared);
        var inbox = new PostgresFeedbackInbox(shared);

        var job = new StartAlignmentRun(Guid.NewGuid(), Domain, StartAlignmentRun.Kto, "worker-kill-test", MinVotes: 8);
        var notes = new ConcurrentQueue<(DateTimeOffset At, JobProgressed Note)>();
        var outcome = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = await BrokerSide.StartAsync(broker, endpoint =>
        {
            endpoint.Handler<JobProgressed>(context => Ours(context.Message.JobId, () => notes.Enqueue((DateTimeOffset.UtcNow, context.Message))));
            endpoint.Handler<AlignmentRunFinished>(context => Ours(context.Message.JobId, () => outcome.TrySetResult(context.Message)));
            endpoint.Handler<JobFailed>(context => Ours(context.Message.JobId, () => outcome.TrySetResult(context.Message)));
        });
        Task Ours(Guid jobId, Action record)
        {
            if (jobId == job.JobId) record();
            return Task.CompletedTask;
        }
        try
        {
            using var first = await WorkerProcess.StartAsync(settings, Startup);
            await FileVotesAsync(bus, inbox);
            await bus.Publish(job);

            // Killed mid-training: as soon as the policy has a checkpoint to resume from.
            var adapter = Path.Combine(data, "models", "alignment", Domain, job.JobId.ToString("N"), "adapter");
            for (var deadline = DateTime.UtcNow.AddSeconds(60); TrainingCheckpoint.Find(adapter) is null; await Task.Delay(10))
            {
                if (outcome.Task.IsCompleted) Assert.Fail($"the run ended before its first checkpoint: {await outcome.Task}");
                Assert.True(DateTime.UtcNow < deadline, $"no checkpoint within 60 s:\n{first.Tail()}");
            }
            first.Kill();
            var statePath = Path.Combine(TrainingCheckpoint.Find(adapter)!, TrainerState.FileName);
            var checkpoint = TrainerState.FromJson(File.ReadAllText(statePath), statePath);
            Assert.InRange(checkpoint.Step, 1, checkpoint.TotalSteps - 1);
            Assert.Equal(AlignmentRunStates.Running, (await ledger.FindAsync(job.JobId, CancellationToken.None))?.State);
            Assert.False(File.Exists(Path.Combine(adapter, LineageRecord.FileName)), "the killed run had not finished its adapter");

            // Users went on rating while no worker ran: the resumed run must still train on the votes it exported.
            await inbox.FileManyAsync(Votes(Prompts, 5));
            // Reports the killed worker published before it died have reached this test's queue by now.
            await Task.Delay(1000);
            var restarted = DateTimeOffset.UtcNow;
            using var second = await WorkerProcess.StartAsync(settings, Startup);
            if (await Task.WhenAny(outcome.Task, Task.Delay(TimeSpan.FromSeconds(90))) != outcome.Task)
                Assert.Fail($"the run did not end within 90 s of the restart:\n{second.Tail()}");

            foreach (var (at, note) in notes) output.WriteLine($"{at:HH:mm:ss.fff} {note.Note}");
            if (await outcome.Task is JobFailed failed) Assert.Fail($"the resumed run failed: {failed.Error}\n{second.Tail()}");
            var finished = Assert.IsType<AlignmentRunFinished>(await outcome.Task);
            var run = await ledger.FindAsync(job.JobId, CancellationToken.None);
            Assert.Equal((AlignmentRunStates.Succeeded, finished.AdapterSha256), (run?.State, run?.AdapterSha256));
            // The next worker's policy reports start at the checkpoint's step, not at 0, and reach the schedule's end ...
            var steps = notes.Where(n => n.At > restarted && n.Note.Phase == "policy" && n.Note.Step is not null).Select(n => n.Note.Step!.Value).ToList();
            Assert.Equal((checkpoint.Step, checkpoint.TotalSteps), (steps.Min(), steps.Max()));
            // ... and the adapter's lineage says so: resumed, every step of the schedule taken.
            var metrics = LineageRecord.Read(adapter).DetailsAs<Dictionary<string, JsonElement>>()["metrics"];
            Assert.True(metrics.GetProperty("resumed").GetBoolean(), metrics.ToString());
            Assert.Equal(checkpoint.TotalSteps, metrics.GetProperty("steps").GetInt64());
            Assert.Equal("schedule", metrics.GetProperty("stop_reason").GetString());
            var export = Path.Combine(Path.GetDirectoryName(adapter)!, "feedback.jsonl");
            Assert.Equal((Prompts * 2, Prompts * 2), (finished.Votes, File.ReadLines(export).Count()));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"killed with a checkpoint at step {checkpoint.Step} of {checkpoint.TotalSteps}; the next worker resumed there; verdict {finished.Verdict}"));
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    /// <summary>
    /// A gate suite of the domain small enough for a tiny model (a run's adapter is always gated): two questions the
    /// assistant should decline, judged on the decline rate alone.
    /// </summary>
    string GateSuites()
    {
        var suites = Path.Combine(_work.Path, "eval-suites");
        var suite = new
        {
            name = "worker-kill",
            domain = Path.Combine(RepositoryRoot.Path, "domains", Domain),
            seed = 7,
            cases = new[]
            {
                new
                {
                    kind = "out_of_domain",
                    items = new[] { new { id = "o1", question = "Who won the 1966 World Cup?" }, new { id = "o2", question = "What is the capital of Peru?" } },
                },
            },
            metrics = new[] { new { metric = "decline_rate", direction = "higher", min = 0.0 } },
        };
        _work.File(Path.Combine("eval-suites", Domain, "gate.json"), JsonSerializer.Serialize(suite));
        return suites;
    }

    /// <summary>An up vote on a cited answer and a down vote on an uncited one per prompt, filed by the worker.</summary>
    static async Task FileVotesAsync(IBus bus, PostgresFeedbackInbox inbox)
    {
        var votes = Votes(0, Prompts);
        await Task.WhenAll(votes.Select(v => bus.Publish(v)));
        for (var deadline = DateTime.UtcNow.AddSeconds(30); await inbox.CountAsync() < votes.Count; await Task.Delay(50))
            Assert.True(DateTime.UtcNow < deadline, $"{await inbox.CountAsync()} of {votes.Count} votes filed");
    }

    /// <summary>An up and a down vote on each of <paramref name="count"/> prompts, numbered from <paramref name="first"/>.</summary>
    static List<FeedbackSubmitted> Votes(int first, int count) =>
        [.. Enumerable.Range(first, count).SelectMany(i => UpAndDown.Select(up => new FeedbackSubmitted(Guid.NewGuid(), Guid.NewGuid(),
            up ? "up" : "down", null, [], $"When is collection day on street {i}?", ["c1", "c2"], up ? "Tuesday is collection day [1]." : "No idea.",
            "tiny", null, null, null, Domain, DateTimeOffset.UtcNow)))];
}
