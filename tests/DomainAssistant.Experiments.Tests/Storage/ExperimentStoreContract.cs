using DomainAssistant.Experiments.Guardrails;
using DomainAssistant.Experiments.Statistics;
using DomainAssistant.Experiments.Tests.Support;
using DomainAssistant.Storage.Tests;
using System.Data.Common;

namespace DomainAssistant.Experiments.Tests.Storage;

/// <summary>
/// What every <see cref="IExperimentStore"/> does, run against each implementation (SQLite for the embedded mode,
/// PostgreSQL for scale-out) by the classes below.
/// </summary>
public abstract class ExperimentStoreContract : StoreContract<ExperimentBackend>
{
    ExperimentBackend Backend => Store;

    [SkippableFact]
    public async Task A_created_experiment_runs_and_is_found_whole_after_a_restart()
    {
        var guardrails = new[] { new Guardrail(GuardrailMetric.LatencyP95, 2500), new Guardrail(GuardrailMetric.ErrorRate, 0.01) };
        var created = await Backend.Store.CreateAsync(
            new ExperimentDraft("rl-2 ramp", "tidewell-support", null, "rl-2", 10, [25, 50], guardrails), "key:ops");

        Backend.Reopen();
        var found = await Backend.Store.FindAsync(created.Id);

        Assert.NotNull(found);
        Assert.Equal(ExperimentStatus.Running, found.Status);
        Assert.Null(found.ControlAdapter);
        Assert.Equal("rl-2", found.TreatmentAdapter);
        Assert.Equal(10, found.TreatmentPercent);
        Assert.Equal([25.0, 50.0], found.Ramp);
        Assert.Equal(guardrails, found.Guardrails);
        Assert.Equal(created.Seed, found.Seed);
        Assert.Equal(SequentialEvidence.None, found.Evidence);
        Assert.Equal(Guardrail.Defaults, (await Backend.Store.CreateAsync(ExperimentFiles.Draft("other-domain"), "key:ops")).Guardrails);
    }

    [SkippableFact]
    public async Task A_domain_has_one_live_experiment_at_a_time()
    {
        var first = await Backend.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");

        await Assert.ThrowsAsync<ExperimentConflictException>(() => Backend.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops"));
        await Backend.Store.ChangeStatusAsync(first.Id, ExperimentStatus.RolledBack, "key:ops");
        Assert.Equal(ExperimentStatus.Running, (await Backend.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops")).Status);
    }

    [SkippableFact]
    public async Task The_ramp_climbs_one_step_at_a_time_and_stops_at_the_top()
    {
        var experiment = await Backend.Store.CreateAsync(ExperimentFiles.Draft(percent: 10, ramp: [25, 50]), "key:ops");

        Assert.Equal(25, (await Backend.Store.RampAsync(experiment.Id, "key:ops")).TreatmentPercent);
        // A decision taken at 10% (by another process's look) does not take the step after 25%.
        await Assert.ThrowsAsync<ExperimentConflictException>(() => Backend.Store.RampAsync(experiment.Id, "rollout", "looked at 10%", from: 10));
        Assert.Equal(50, (await Backend.Store.RampAsync(experiment.Id, "rollout", "looked at 25%", from: 25)).TreatmentPercent);
        await Assert.ThrowsAsync<ExperimentConflictException>(() => Backend.Store.RampAsync(experiment.Id, "key:ops"));
        Assert.Equal("looked at 25%", (await Backend.Store.ReadAuditAsync(experiment.Id))[^1].Reason);
    }

    [SkippableFact]
    public async Task Statuses_move_only_forward_from_live_and_final_ones_stay_final()
    {
        var experiment = await Backend.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");

        Assert.Equal(ExperimentStatus.Paused, (await Backend.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.Paused, "key:ops")).Status);
        await Assert.ThrowsAsync<ExperimentConflictException>(() => Backend.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.Paused, "key:ops"));
        Assert.Equal(ExperimentStatus.Running, (await Backend.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.Running, "key:ops")).Status);
        Assert.Equal(ExperimentStatus.Promoted, (await Backend.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.Promoted, "key:ops")).Status);
        await Assert.ThrowsAsync<ExperimentConflictException>(() => Backend.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.RolledBack, "key:ops"));
        await Assert.ThrowsAsync<ExperimentConflictException>(() => Backend.Store.SetTreatmentPercentAsync(experiment.Id, 30, "key:ops"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Backend.Store.SetTreatmentPercentAsync("exp_missing", 30, "key:ops"));
    }

    [SkippableFact]
    public async Task Every_change_is_audited_with_who_when_before_and_after()
    {
        var clock = Backend.Clock;
        var experiment = await Backend.Store.CreateAsync(ExperimentFiles.Draft(percent: 10), "key:alice");
        clock.Advance(TimeSpan.FromMinutes(5));
        await Backend.Store.SetTreatmentPercentAsync(experiment.Id, 30, "key:bob");
        await Backend.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.RolledBack, "guardrail", "ErrorRate breached");

        Backend.Reopen();
        var audit = await Backend.Store.ReadAuditAsync(experiment.Id);

        Assert.Equal(["create", "percent", "rollback"], audit.Select(a => a.Action));
        Assert.Equal(["key:alice", "key:bob", "guardrail"], audit.Select(a => a.Actor));
        Assert.Null(audit[0].Before);
        Assert.Equal(experiment.CreatedAt + TimeSpan.FromMinutes(5), audit[1].At);
        Assert.Contains("\"treatmentPercent\":10", audit[1].Before!, StringComparison.Ordinal);
        Assert.Contains("\"treatmentPercent\":30", audit[1].After, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"rolled_back\"", audit[2].After, StringComparison.Ordinal);
        Assert.Equal("ErrorRate breached", audit[2].Reason);
    }

    [SkippableFact]
    public async Task The_audit_log_cannot_be_edited_or_deleted_even_with_sql()
    {
        var experiment = await Backend.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");

        var edit = await Assert.ThrowsAnyAsync<DbException>(() => Backend.ExecuteAsync($"UPDATE {Backend.AuditTable} SET actor = 'someone else'"));
        Assert.Contains("append-only", edit.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<DbException>(() => Backend.ExecuteAsync($"DELETE FROM {Backend.AuditTable}"));
        Assert.Equal("key:ops", Assert.Single(await Backend.Store.ReadAuditAsync(experiment.Id)).Actor);
    }

    [SkippableFact]
    public async Task Evidence_merges_looks_and_survives_a_restart()
    {
        var experiment = await Backend.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");
        await Backend.Store.AddEvidenceAsync(experiment.Id, new SequentialLook(0.05, 0.30, new ConfidenceInterval(-0.02, 0.12)));
        await Backend.Store.AddEvidenceAsync(experiment.Id, new SequentialLook(0.06, 0.40, new ConfidenceInterval(-0.05, 0.10)));

        Backend.Reopen();

        Assert.Equal(new SequentialEvidence(0.30, -0.02, 0.10), (await Backend.Store.FindAsync(experiment.Id))!.Evidence);
    }

    [SkippableTheory]
    [InlineData(101, null)]
    [InlineData(50, new[] { 40.0 })]
    public async Task Invalid_drafts_are_refused_with_the_reason(double percent, double[]? ramp) =>
        await Assert.ThrowsAsync<ArgumentException>(() => Backend.Store.CreateAsync(ExperimentFiles.Draft(percent: percent, ramp: ramp), "key:ops"));

    [SkippableFact]
    public async Task Two_operators_ramping_from_the_same_look_at_once_one_wins_and_the_other_gets_the_conflict()
    {
        var experiment = await Backend.Store.CreateAsync(ExperimentFiles.Draft(percent: 10, ramp: [25, 50]), "key:ops");
        var operators = new[] { Backend.AnotherProcess(), Backend.AnotherProcess() };

        for (var round = 0; round < 5; round++)
        {
            double from = (await Backend.Store.FindAsync(experiment.Id))!.TreatmentPercent;
            if (from == 50) break;
            var tries = operators.Select((store, i) => Task.Run(() => store.RampAsync(experiment.Id, $"key:op-{i}", "looked", from))).ToArray();
            var outcome = await Task.WhenAll(tries.Select(async t =>
            {
                try { return (await t).TreatmentPercent; }
                catch (ExperimentConflictException) { return -1; }
            }));

            Assert.Single(outcome, p => p > from);
            Assert.Single(outcome, p => p == -1);
        }
        Assert.Equal(["create", "ramp", "ramp"], (await Backend.Store.ReadAuditAsync(experiment.Id)).Select(a => a.Action));
        Assert.Equal(50, (await Backend.Store.FindAsync(experiment.Id))!.TreatmentPercent);
    }

    [SkippableFact]
    public async Task Processes_creating_an_experiment_for_one_domain_at_once_create_exactly_one()
    {
        var processes = Enumerable.Range(0, 6).Select(_ => Backend.AnotherProcess()).ToArray();

        var outcomes = await Task.WhenAll(processes.Select(store => Task.Run(async () =>
        {
            try { return await store.CreateAsync(ExperimentFiles.Draft("tidewell-support"), "key:ops"); }
            catch (ExperimentConflictException) { return null; }
        })));

        var created = Assert.Single(outcomes, e => e is not null);
        Assert.Equal(created!.Id, Assert.Single(await Backend.Store.ListAsync()).Id);
    }

    [SkippableFact]
    public async Task Concurrent_changes_from_two_processes_are_all_applied_and_all_audited()
    {
        var first = Backend.AnotherProcess();
        var second = Backend.AnotherProcess();
        var experiment = await first.CreateAsync(ExperimentFiles.Draft(percent: 0), "key:ops");

        await Task.WhenAll(Enumerable.Range(1, 20).Select(i => Task.Run(() =>
            (i % 2 == 0 ? first : second).SetTreatmentPercentAsync(experiment.Id, i, $"key:op-{i}"))));
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).AddEvidenceAsync(
            experiment.Id, new SequentialLook(0, 0.5 - i / 100.0, new ConfidenceInterval(-0.3 + i / 100.0, 0.3 - i / 200.0))))));

        var audit = await second.ReadAuditAsync(experiment.Id);
        Assert.Equal(21, audit.Count);
        Assert.Equal(20, audit.Select(a => a.Actor).Distinct().Count(a => a.StartsWith("key:op-", StringComparison.Ordinal)));
        // The last change audited is the one in force, and the evidence is the running minimum and intersection.
        var stored = (await first.FindAsync(experiment.Id))!;
        Assert.Contains($"\"treatmentPercent\":{stored.TreatmentPercent}", audit[^1].After, StringComparison.Ordinal);
        Assert.Equal(new SequentialEvidence(0.5 - 19 / 100.0, -0.3 + 19 / 100.0, 0.3 - 19 / 200.0), stored.Evidence);
    }

    [SkippableFact]
    public async Task Experiments_are_listed_oldest_first_in_creation_order_at_one_instant()
    {
        var first = await Backend.Store.CreateAsync(ExperimentFiles.Draft("a"), "key:ops");
        var second = await Backend.Store.CreateAsync(ExperimentFiles.Draft("b"), "key:ops");
        var third = await Backend.Store.CreateAsync(ExperimentFiles.Draft("c"), "key:ops");

        Assert.Equal([first.Id, second.Id, third.Id], (await Backend.Store.ListAsync()).Select(e => e.Id));
        var listed = (await Backend.Store.ListAsync())[0];
        Assert.Equal((first.Seed, first.CreatedAt, first.AllocationSince), (listed.Seed, listed.CreatedAt, listed.AllocationSince));
    }
}

public sealed class SqliteExperimentStoreTests : ExperimentStoreContract
{
    protected override Task<StoreLease<ExperimentBackend>> OpenAsync() => ExperimentBackends.Sqlite();
}

public sealed class PostgresExperimentStoreTests : ExperimentStoreContract
{
    protected override Task<StoreLease<ExperimentBackend>> OpenAsync() => ExperimentBackends.Postgres();
}
