using DomainAssistant.Experiments.Guardrails;
using DomainAssistant.Experiments.Statistics;
using DomainAssistant.Experiments.Storage;
using DomainAssistant.Experiments.Tests.Support;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Experiments.Tests.Storage;

public sealed class SqliteExperimentStoreTests : IDisposable
{
    readonly ExperimentFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_created_experiment_runs_and_is_found_whole_after_a_restart()
    {
        var guardrails = new[] { new Guardrail(GuardrailMetric.LatencyP95, 2500), new Guardrail(GuardrailMetric.ErrorRate, 0.01) };
        var created = await _files.Store.CreateAsync(
            new ExperimentDraft("rl-2 ramp", "tidewell-support", null, "rl-2", 10, [25, 50], guardrails), "key:ops");

        _files.Reopen();
        var found = await _files.Store.FindAsync(created.Id);

        Assert.NotNull(found);
        Assert.Equal(ExperimentStatus.Running, found.Status);
        Assert.Null(found.ControlAdapter);
        Assert.Equal("rl-2", found.TreatmentAdapter);
        Assert.Equal(10, found.TreatmentPercent);
        Assert.Equal([25.0, 50.0], found.Ramp);
        Assert.Equal(guardrails, found.Guardrails);
        Assert.Equal(created.Seed, found.Seed);
        Assert.Equal(SequentialEvidence.None, found.Evidence);
        Assert.Equal(Guardrail.Defaults, (await _files.Store.CreateAsync(ExperimentFiles.Draft("other-domain"), "key:ops")).Guardrails);
    }

    [Fact]
    public async Task A_domain_has_one_live_experiment_at_a_time()
    {
        var first = await _files.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");

        await Assert.ThrowsAsync<ExperimentConflictException>(() => _files.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops"));
        await _files.Store.ChangeStatusAsync(first.Id, ExperimentStatus.RolledBack, "key:ops");
        Assert.Equal(ExperimentStatus.Running, (await _files.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops")).Status);
    }

    [Fact]
    public async Task The_ramp_climbs_one_step_at_a_time_and_stops_at_the_top()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(percent: 10, ramp: [25, 50]), "key:ops");

        Assert.Equal(25, (await _files.Store.RampAsync(experiment.Id, "key:ops")).TreatmentPercent);
        // A decision taken at 10% (by another process's look) does not take the step after 25%.
        await Assert.ThrowsAsync<ExperimentConflictException>(() => _files.Store.RampAsync(experiment.Id, "rollout", "looked at 10%", from: 10));
        Assert.Equal(50, (await _files.Store.RampAsync(experiment.Id, "rollout", "looked at 25%", from: 25)).TreatmentPercent);
        await Assert.ThrowsAsync<ExperimentConflictException>(() => _files.Store.RampAsync(experiment.Id, "key:ops"));
        Assert.Equal("looked at 25%", (await _files.Store.ReadAuditAsync(experiment.Id))[^1].Reason);
    }

    [Fact]
    public async Task Statuses_move_only_forward_from_live_and_final_ones_stay_final()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");

        Assert.Equal(ExperimentStatus.Paused, (await _files.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.Paused, "key:ops")).Status);
        await Assert.ThrowsAsync<ExperimentConflictException>(() => _files.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.Paused, "key:ops"));
        Assert.Equal(ExperimentStatus.Running, (await _files.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.Running, "key:ops")).Status);
        Assert.Equal(ExperimentStatus.Promoted, (await _files.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.Promoted, "key:ops")).Status);
        await Assert.ThrowsAsync<ExperimentConflictException>(() => _files.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.RolledBack, "key:ops"));
        await Assert.ThrowsAsync<ExperimentConflictException>(() => _files.Store.SetTreatmentPercentAsync(experiment.Id, 30, "key:ops"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => _files.Store.SetTreatmentPercentAsync("exp_missing", 30, "key:ops"));
    }

    [Fact]
    public async Task Every_change_is_audited_with_who_when_before_and_after()
    {
        var clock = (ManualClock)_files.Clock;
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(percent: 10), "key:alice");
        clock.Advance(TimeSpan.FromMinutes(5));
        await _files.Store.SetTreatmentPercentAsync(experiment.Id, 30, "key:bob");
        await _files.Store.ChangeStatusAsync(experiment.Id, ExperimentStatus.RolledBack, "guardrail", "ErrorRate breached");

        _files.Reopen();
        var audit = await _files.Store.ReadAuditAsync(experiment.Id);

        Assert.Equal(["create", "percent", "rollback"], audit.Select(a => a.Action));
        Assert.Equal(["key:alice", "key:bob", "guardrail"], audit.Select(a => a.Actor));
        Assert.Null(audit[0].Before);
        Assert.Equal(experiment.CreatedAt + TimeSpan.FromMinutes(5), audit[1].At);
        Assert.Contains("\"treatmentPercent\":10", audit[1].Before!, StringComparison.Ordinal);
        Assert.Contains("\"treatmentPercent\":30", audit[1].After, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"rolled_back\"", audit[2].After, StringComparison.Ordinal);
        Assert.Equal("ErrorRate breached", audit[2].Reason);
    }

    [Fact]
    public async Task The_audit_log_cannot_be_edited_or_deleted_even_with_sql()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");
        await using var connection = new SqliteConnection($"Data Source={_files.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();

        command.CommandText = "UPDATE audit SET actor = 'someone else'";
        Assert.Contains("append-only", (await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync())).Message, StringComparison.Ordinal);
        command.CommandText = "DELETE FROM audit";
        await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());
        Assert.Single(await _files.Store.ReadAuditAsync(experiment.Id));
    }

    [Fact]
    public async Task Evidence_merges_looks_and_survives_a_restart()
    {
        var experiment = await _files.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");
        await _files.Store.AddEvidenceAsync(experiment.Id, new SequentialLook(0.05, 0.30, new ConfidenceInterval(-0.02, 0.12)));
        await _files.Store.AddEvidenceAsync(experiment.Id, new SequentialLook(0.06, 0.40, new ConfidenceInterval(-0.05, 0.10)));

        _files.Reopen();

        Assert.Equal(new SequentialEvidence(0.30, -0.02, 0.10), (await _files.Store.FindAsync(experiment.Id))!.Evidence);
    }

    [Fact]
    public async Task A_file_from_a_newer_release_is_refused_rather_than_misread()
    {
        await _files.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");
        await using (var connection = new SqliteConnection($"Data Source={_files.DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            await command.ExecuteNonQueryAsync();
        }

        _files.Reopen();

        await Assert.ThrowsAsync<InvalidDataException>(() => _files.Store.ListAsync());
    }

    [Theory]
    [InlineData(101, null)]
    [InlineData(50, new[] { 40.0 })]
    public async Task Invalid_drafts_are_refused_with_the_reason(double percent, double[]? ramp) =>
        await Assert.ThrowsAsync<ArgumentException>(() => _files.Store.CreateAsync(ExperimentFiles.Draft(percent: percent, ramp: ramp), "key:ops"));
}
