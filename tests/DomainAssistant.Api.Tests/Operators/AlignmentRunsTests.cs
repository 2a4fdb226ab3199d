using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Contracts;
using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Jobs.Alignment;
using DomainAssistant.Model.Lora;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using static DomainAssistant.Api.Tests.Operators.AlignmentRunCalls;
using DomainAssistant.Storage.Jobs;

namespace DomainAssistant.Api.Tests.Operators;

/// <summary>
/// Alignment runs through the embedded default's real pipeline: votes filed by the feedback consumer, the operator
/// endpoint, the in-process job handler training a reward model and RLOO (or KTO) over the served (scripted) model,
/// the gate on the domain's real suite, the verdict store, and the job record at <c>GET /api/jobs/{id}</c>.
/// </summary>
public sealed class AlignmentRunsTests
{
    static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task An_operator_run_trains_gates_and_reports_the_stored_verdict_with_its_progress_at_the_jobs_endpoint()
    {
        using var host = new AssistantHost(FastRuns(runAfterFeedbacks: 0, minVotes: 8));
        var client = await host.ReadyClientAsync();
        await FileVotesAsync(host, prompts: 6);
        var notes = new ConcurrentQueue<JobProgressed>();
        var listener = host.Services.GetRequiredService<IBus>().ConnectReceiveEndpoint($"test-progress-{Guid.NewGuid():N}",
            endpoint => endpoint.Handler<JobProgressed>(context => { notes.Enqueue(context.Message); return Task.CompletedTask; }));
        await listener.Ready;

        using var started = await StartAsync(client, new { domain = AssistantHost.Domain, method = "rloo" });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var jobId = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("jobId").GetGuid();
        var seen = await FollowAsync(client, jobId, RunTimeout);
        await listener.StopAsync();

        var job = seen[^1];
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        Assert.Equal(("alignment-run", AssistantHost.Domain, 1.0), (job.GetProperty("kind").GetString(), job.GetProperty("domain").GetString(), job.GetProperty("progress").GetDouble()));
        var ledger = host.Services.GetRequiredService<IAlignmentRunLedger>();
        var run = await ledger.FindAsync(jobId, CancellationToken.None);
        Assert.NotNull(run);
        Assert.Equal((AlignmentRunStates.Succeeded, "key:ops", 12L), (run.State, run.RequestedBy, run.FeedbackThrough));
        // The verdict reported is the one stored for exactly the adapter written.
        var adapter = run.Adapter!;
        var stored = Assert.Single(await new SqliteGateVerdictStore(host.DataDirectory).ForCandidateAsync(PeftAdapter.WeightsSha256(adapter)));
        Assert.Equal(run.Verdict, stored.Verdict);
        Assert.StartsWith($"gate verdict: {stored.Verdict}; rloo adapter {PeftAdapter.WeightsSha256(adapter)[..12]}", job.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("learned from 12 votes", job.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(PeftAdapter.WeightsSha256(ScriptedModel.Instance.Adapters["sft"]), stored.BaselineSha256);
        Assert.True(File.Exists(Path.Combine(adapter, "lineage.json")), "the adapter is written with its lineage");
        var runFile = Path.Combine(Path.GetDirectoryName(adapter)!, "run.json");
        Assert.True(File.Exists(runFile), "the run is recorded beside it");
        // ... with where its time went and what it learned.
        var record = JsonDocument.Parse(File.ReadAllText(runFile)).RootElement;
        Assert.Equal(["export", "reward_model", "policy", "gate"], record.GetProperty("seconds").EnumerateObject().Select(p => p.Name));
        Assert.All(record.GetProperty("seconds").EnumerateObject(), p => Assert.True(p.Value.GetDouble() >= 0));
        Assert.True(record.GetProperty("kl").GetDouble() >= 0);
        Assert.InRange(record.GetProperty("reward_model").GetProperty("heldout_auc").GetDouble(), 0, 1);
        Assert.True(File.Exists(stored.ReportPath), "the gate's report is written");
        // The operator's list shows the run with the same outcome.
        using var listed = await client.SendAsync(AsOperator(HttpMethod.Get, $"/api/operator/alignment-runs?domain={AssistantHost.Domain}"));
        var shown = Assert.Single(JsonDocument.Parse(await listed.Content.ReadAsStringAsync()).RootElement.EnumerateArray());
        Assert.Equal((jobId, "succeeded", stored.Verdict, stored.CandidateSha256),
            (shown.GetProperty("jobId").GetGuid(), shown.GetProperty("state").GetString(), shown.GetProperty("verdict").GetString(), shown.GetProperty("adapterSha256").GetString()));

        // Progress came stage by stage, with steps, totals and a share of the run that never goes back.
        var ours = notes.Where(n => n.JobId == jobId).ToList();
        Assert.Equal(["export", "reward-model", "policy", "gate"], ours.Select(n => n.Phase).Distinct());
        Assert.Contains(ours, n => n.Phase == "policy" && n.Step > 0 && n.Total >= n.Step);
        Assert.Contains(ours, n => n.Phase == "gate" && n.Step == n.Total && n.Total > 0);
        var shares = ours.Select(n => n.Fraction!.Value).ToList();
        Assert.Equal(shares.Order(), shares);
    }

    [Fact]
    public async Task Too_little_feedback_fails_the_run_naming_how_much_there_is_and_how_much_is_needed()
    {
        using var host = new AssistantHost(FastRuns(runAfterFeedbacks: 0, minVotes: 8));
        var client = await host.ReadyClientAsync();
        await FileVotesAsync(host, prompts: 3, both: false);

        using var started = await StartAsync(client, new { domain = AssistantHost.Domain, method = "kto" });
        var jobId = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("jobId").GetGuid();
        var job = (await FollowAsync(client, jobId, RunTimeout))[^1];

        Assert.Equal("failed", job.GetProperty("state").GetString());
        var error = job.GetProperty("error").GetString()!;
        Assert.Contains("too few votes to train on: 3 usable of 3 read", error, StringComparison.Ordinal);
        Assert.Contains("at least 8 are needed", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.DataDirectory, "models", "alignment", AssistantHost.Domain, jobId.ToString("N"), "adapter")), "no adapter is trained");
    }

    [Fact]
    public async Task Bad_bodies_unknown_domains_and_non_operators_are_refused_and_a_domain_runs_one_at_a_time()
    {
        using var host = new AssistantHost(FastRuns(runAfterFeedbacks: 0, minVotes: 8));
        var client = await host.ReadyClientAsync();

        using var noDomain = await StartAsync(client, new { method = "rloo" });
        using var badMethod = await StartAsync(client, new { domain = AssistantHost.Domain, method = "ppo" });
        using var badMinutes = await StartAsync(client, new { domain = AssistantHost.Domain, method = "kto", maxMinutes = -1 });
        using var unknown = await StartAsync(client, new { domain = "atlantis", method = "rloo" });
        using var team = await StartAsync(client, new { domain = AssistantHost.Domain, method = "rloo" }, AssistantHost.TeamKey);
        using var anonymous = await StartAsync(client, new { domain = AssistantHost.Domain, method = "rloo" }, key: null);

        Assert.Equal(HttpStatusCode.BadRequest, noDomain.StatusCode);
        Assert.Contains("domain", await noDomain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badMethod.StatusCode);
        Assert.Contains("rloo", await badMethod.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badMinutes.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, team.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(0L, await host.Services.GetRequiredService<IJobStore>().CountAsync(CancellationToken.None));

        // A run queued for the domain (as another API process would) holds it: a request gets 409 naming that run.
        var ledger = host.Services.GetRequiredService<IAlignmentRunLedger>();
        var (held, _) = await ledger.QueueAsync(new StartAlignmentRun(Guid.NewGuid(), AssistantHost.Domain, "kto", "elsewhere"), CancellationToken.None);
        using var conflict = await StartAsync(client, new { domain = AssistantHost.Domain, method = "rloo" });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains(held.Id.ToString(), await conflict.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_an_earlier_process_left_running_is_sent_again_at_start_so_it_does_not_hold_the_domain_for_good()
    {
        using var host = new AssistantHost(FastRuns(runAfterFeedbacks: 0, minVotes: 8));
        // What a crashed embedded host leaves: the run recorded running, its in-memory message gone.
        Directory.CreateDirectory(host.DataDirectory);
        var ledger = new SqliteAlignmentRunLedger(Path.Combine(host.DataDirectory, SqliteAlignmentRunLedger.FileName));
        var start = new StartAlignmentRun(Guid.NewGuid(), AssistantHost.Domain, "kto", "crashed-host");
        await ledger.QueueAsync(start, CancellationToken.None);
        await ledger.StartAsync(start, DateTimeOffset.UtcNow, CancellationToken.None);

        var client = await host.ReadyClientAsync();
        var deadline = DateTime.UtcNow + RunTimeout;
        AlignmentRunEntry run;
        while ((run = (await ledger.FindAsync(start.JobId, CancellationToken.None))!).State is AlignmentRunStates.Queued or AlignmentRunStates.Running)
        {
            Assert.True(DateTime.UtcNow < deadline, "the run left running was never sent again");
            await Task.Delay(100);
        }

        // It ran again (and, with no votes filed, ended naming why), and the domain takes new runs.
        Assert.Equal(AlignmentRunStates.Failed, run.State);
        Assert.Contains("no filed feedback", run.Error, StringComparison.Ordinal);
        Assert.Contains(host.Log.Lines, l => l.Contains($"Alignment run {start.JobId}", StringComparison.Ordinal) && l.Contains("sent again", StringComparison.Ordinal));
        using var next = await StartAsync(client, new { domain = AssistantHost.Domain, method = "kto" });
        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
    }

    [Theory]
    [InlineData("Alignment:Method", "ppo", "Alignment:Method must be rloo or kto (got \"ppo\")")]
    [InlineData("Alignment:MaxVotes", "4", "Alignment:MaxVotes must be at least Alignment:MinVotes (8) (got 4)")]
    public void A_bad_alignment_setting_stops_the_host_naming_its_key(string key, string value, string problem)
    {
        var settings = FastRuns(runAfterFeedbacks: 0, minVotes: 8);
        settings[key] = value;
        using var host = new AssistantHost(settings);

        var error = Assert.Throws<InvalidOperationException>(() => host.CreateClient());

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
