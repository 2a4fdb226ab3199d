using System.Text.Json;
using DomainAssistant.Api.Operator;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Contracts;
using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Evaluation.Registry;
using DomainAssistant.Experiments;
using DomainAssistant.Experiments.Guardrails;
using DomainAssistant.Experiments.Rollout;
using DomainAssistant.Jobs.Alignment;
using DomainAssistant.Model.Lora;
using DomainAssistant.Storage.Jobs;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Api.Tests.Operators;

/// <summary>
/// Issue 19's loop through the real host, from the end of an alignment run: a passing adapter becomes a running
/// experiment against production, its users' ratings ramp it and promote it by its own rule, and the promoted adapter
/// is what users get (after a restart too) and what the next run starts from. A failing adapter starts nothing.
/// </summary>
public sealed class AlignmentRolloutTests : IDisposable
{
    readonly TempFolder _runs = new();
    readonly AssistantHost _host = new(new Dictionary<string, string?>
    {
        // Flags change at once, and the guardrail watch and the rollout look five times a second.
        ["Experiments:FlagRefresh"] = "00:00:00", ["Experiments:GuardrailInterval"] = "00:00:00.2",
    });

    public void Dispose()
    {
        _host.Dispose();
        _runs.Dispose();
    }

    /// <summary>A run's adapter folder as the trainer leaves it: one of the scripted adapters, with a file beside it no package holds.</summary>
    string RunAdapter(string adapter)
    {
        var folder = _runs.Combine(Guid.NewGuid().ToString("N"), "adapter");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(ScriptedModel.Instance.Adapters[adapter])) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(folder, "trainer_state.json"), "{}");
        return folder;
    }

    /// <summary>What the worker does at the end of a run: the verdict stored, then <see cref="AlignmentRunFinished"/> published; returns the job's record at its end.</summary>
    static async Task<JsonElement> FinishRunAsync(AssistantHost host, HttpClient client, string folder, bool passed)
    {
        var jobId = Guid.NewGuid();
        await host.Services.GetRequiredService<IJobStore>().SaveAsync(
            AlignmentRunReportsConsumer.Queued(new StartAlignmentRun(jobId, AssistantHost.Domain, StartAlignmentRun.Rloo, "alignment-trigger"), DateTimeOffset.UtcNow),
            CancellationToken.None);
        var sha = PeftAdapter.WeightsSha256(folder);
        var verdict = GateVerdicts.Passing(sha);
        if (!passed) verdict = verdict with { Metrics = [verdict.Metrics[0] with { Passed = false, Reason = "declines up" }] };
        await new SqliteGateVerdictStore(host.DataDirectory).AddAsync(verdict);
        await host.Services.GetRequiredService<IBus>().Publish(new AlignmentRunFinished(jobId, AssistantHost.Domain, StartAlignmentRun.Rloo, folder, sha,
            verdict.Verdict, passed ? [] : ["decline_rate: declines up"], Path.Combine(folder, "report.md"), 128, 1, 128));
        return (await AlignmentRunCalls.FollowAsync(client, jobId, TimeSpan.FromSeconds(30)))[^1];
    }

    /// <summary>New users of the current step, split as the flag splits them, one answer and one thumb each; the treatment is liked far more.</summary>
    async Task RateStepAsync(Experiment experiment, int step, int users = 1000)
    {
        var records = _host.Services.GetRequiredService<IExperimentRecords>();
        var random = new Random(step);
        var now = DateTimeOffset.UtcNow;
        var exposures = new List<Exposure>();
        var ratings = new List<Rating>();
        for (var i = 0; i < users; i++)
        {
            var user = $"sim-{step}-{i}";
            var variant = StickyAssignment.VariantFor(experiment, user);
            exposures.Add(new Exposure(experiment.Id, $"{user}-m", user, variant, now, 120));
            ratings.Add(new Rating(experiment.Id, $"{user}-m", random.NextDouble() < (variant == ExperimentVariants.Treatment ? 0.85 : 0.35), now));
        }
        await records.RecordExposuresAsync(exposures);
        await records.RecordRatingsAsync(ratings);
    }

    async Task<Experiment> ChangedAsync(Experiment before)
    {
        var store = _host.Services.GetRequiredService<IExperimentStore>();
        // Generous: the watch runs on a timer, and CI's two cores may be busy with other tests.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var now = (await store.FindAsync(before.Id))!;
            if (now.TreatmentPercent != before.TreatmentPercent || now.Status != before.Status) return now;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the rollout did not act on {before.Id} at {before.TreatmentPercent}%");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_passing_run_starts_an_experiment_that_its_ratings_ramp_and_promote_and_the_promoted_adapter_is_production_after_a_restart()
    {
        var client = await _host.ReadyClientAsync();
        var store = _host.Services.GetRequiredService<IExperimentStore>();

        var job = await FinishRunAsync(_host, client, RunAdapter("candidate"), passed: true);

        var experiment = Assert.Single(await store.ListAsync());
        var treatment = experiment.TreatmentAdapter;
        Assert.Equal((ExperimentStatus.Running, 10.0, (string?)null), (experiment.Status, experiment.TreatmentPercent, experiment.ControlAdapter));
        Assert.Equal([25.0, 50.0], experiment.Ramp);
        Assert.Equal(Guardrail.Defaults, experiment.Guardrails);
        var registered = (await _host.Services.GetRequiredService<IAdapterRegistry>().FindAsync(treatment, CancellationToken.None))!;
        Assert.False(File.Exists(Path.Combine(registered.Folder, "trainer_state.json")));
        Assert.Contains($"experiment {experiment.Id} started", job.GetProperty("message").GetString(), StringComparison.Ordinal);
        var created = Assert.Single(await store.ReadAuditAsync(experiment.Id));
        Assert.Equal(("create", RolloutWatch.Actor), (created.Action, created.Actor));

        // A second passing run while this one is live starts nothing, and says why.
        var second = await FinishRunAsync(_host, client, RunAdapter("sft"), passed: true);
        Assert.Contains("already has a live experiment", second.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Single(await store.ListAsync());

        for (var step = 0; step < 3; step++)
        {
            await RateStepAsync(experiment, step);
            experiment = await ChangedAsync(experiment);
        }

        Assert.Equal((ExperimentStatus.Promoted, 50.0), (experiment.Status, experiment.TreatmentPercent));
        var audit = await store.ReadAuditAsync(experiment.Id);
        Assert.Equal(["create", "ramp", "ramp", "promote"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(RolloutWatch.Actor, a.Actor));
        Assert.All(audit.Skip(1), a => Assert.False(string.IsNullOrWhiteSpace(a.Reason)));
        Assert.Contains(_host.Log.Lines, l => l.Contains($"Rollout of experiment {experiment.Id}", StringComparison.Ordinal) && l.Contains("Promote", StringComparison.Ordinal));

        // Production is now the treatment: for the next run and its gate, and for every user.
        Assert.Equal(treatment, await ProductionAdapter.OfAsync(store, AssistantHost.Domain));
        Assert.Equal(registered.Folder, await _host.Services.GetRequiredService<PromotedAdapters>().FolderAsync(AssistantHost.Domain, CancellationToken.None));
        var served = (await client.ChatAsync("When is collection day?", "after-promotion")).Done;
        Assert.Equal(("treatment", treatment), (served.GetProperty("variant").GetString(), served.GetProperty("adapter").GetString()));

        await using var restarted = new AssistantHost(new Dictionary<string, string?> { ["Storage:DataDirectory"] = _host.DataDirectory });
        var again = (await (await restarted.ReadyClientAsync()).ChatAsync("When is collection day?", "after-restart")).Done;
        Assert.Equal(treatment, again.GetProperty("adapter").GetString());
    }

    [Fact]
    public async Task After_a_promotion_the_next_run_starts_from_and_is_gated_against_the_promoted_adapter_and_the_next_experiment_tests_against_it()
    {
        using var host = new AssistantHost(new Dictionary<string, string?>(AlignmentRunCalls.FastRuns(runAfterFeedbacks: 0, minVotes: 8))
        {
            ["Experiments:FlagRefresh"] = "00:00:00", ["Experiments:GuardrailInterval"] = "01:00:00",
        });
        var client = await host.ReadyClientAsync();
        var store = host.Services.GetRequiredService<IExperimentStore>();
        await FinishRunAsync(host, client, RunAdapter("candidate"), passed: true);
        var promoted = await store.ChangeStatusAsync(Assert.Single(await store.ListAsync()).Id, ExperimentStatus.Promoted, "ops", "better");
        var production = (await host.Services.GetRequiredService<IAdapterRegistry>().FindAsync(promoted.TreatmentAdapter, CancellationToken.None))!;

        // The next passing adapter is tested against the promoted one, not the host's configured default.
        await FinishRunAsync(host, client, RunAdapter("sft"), passed: true);
        var next = (await store.ListAsync())[^1];
        Assert.Equal((ExperimentStatus.Running, promoted.TreatmentAdapter), (next.Status, next.ControlAdapter));

        // A run now trains from the production adapter (that experiment's control) and is gated against it.
        await AlignmentRunCalls.FileVotesAsync(host, prompts: 6);
        using var started = await AlignmentRunCalls.StartAsync(client, new { domain = AssistantHost.Domain, method = "kto" });
        var jobId = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("jobId").GetGuid();
        var job = (await AlignmentRunCalls.FollowAsync(client, jobId, TimeSpan.FromMinutes(8)))[^1];

        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        var run = (await host.Services.GetRequiredService<IAlignmentRunLedger>().FindAsync(jobId, CancellationToken.None))!;
        using var record = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(run.Adapter)!, "run.json")));
        Assert.Equal(production.Folder, record.RootElement.GetProperty("production_adapter").GetString());
        var verdict = (await new SqliteGateVerdictStore(host.DataDirectory).ForCandidateAsync(PeftAdapter.WeightsSha256(run.Adapter!)))[0]; // newest: the run's
        Assert.Equal(production.Sha256, verdict.BaselineSha256);
    }

    [Fact]
    public async Task A_failing_run_starts_no_experiment_and_its_record_says_so()
    {
        var client = await _host.ReadyClientAsync();

        var job = await FinishRunAsync(_host, client, RunAdapter("candidate"), passed: false);

        Assert.Contains("no experiment started: the adapter failed its gate", job.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(await _host.Services.GetRequiredService<IExperimentStore>().ListAsync());
    }
}
