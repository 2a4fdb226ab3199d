using DomainAssistant.Experiments.Statistics;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Experiments.Storage;

/// <summary><see cref="IExperimentStore"/> on the experiments SQLite file (tables <c>experiments</c> and <c>audit</c>).</summary>
public sealed class SqliteExperimentStore(ExperimentDatabase database, TimeProvider? clock = null) : IExperimentStore
{
    const string Columns = """
        id, name, domain, control_adapter, treatment_adapter, treatment_percent, ramp, guardrails, status, seed,
        created_at, allocation_since, evidence_p, evidence_low, evidence_high
        """;

    readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<Experiment> CreateAsync(ExperimentDraft draft, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var now = _clock.GetUtcNow();
        var experiment = ExperimentChanges.Create(draft, now);

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var live = Command(connection, transaction, "SELECT id FROM experiments WHERE domain = $domain AND status IN ('running', 'paused')"))
        {
            live.Parameters.AddWithValue("$domain", experiment.Domain);
            if (await live.ExecuteScalarAsync(cancellationToken) is string other)
                throw ExperimentChanges.DomainTaken(experiment.Domain, other);
        }
        await using (var insert = Command(connection, transaction, $"INSERT INTO experiments ({Columns}) VALUES ($id, $name, $domain, $control, $treatment, $percent, $ramp, $guardrails, $status, $seed, $created, $since, 1, NULL, NULL)"))
        {
            Bind(insert, experiment);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await AppendAuditAsync(connection, transaction, experiment.Id, actor, now, "create", null, experiment, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return experiment;
    }

    public async Task<Experiment?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FindAsync(connection, null, id, cancellationToken);
    }

    public async Task<IReadOnlyList<Experiment>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection, null, $"SELECT {Columns} FROM experiments ORDER BY created_at, rowid");
        var experiments = new List<Experiment>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) experiments.Add(Read(reader));
        return experiments;
    }

    public Task<Experiment> SetTreatmentPercentAsync(string id, double percent, string actor, CancellationToken cancellationToken = default)
    {
        ExperimentAllocation.CheckPercent(percent);
        return ChangeAsync(id, actor, "percent", null, ExperimentChanges.Percent(percent), cancellationToken);
    }

    public Task<Experiment> RampAsync(string id, string actor, string? reason = null, double? from = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, actor, "ramp", reason, ExperimentChanges.Ramp(from), cancellationToken);

    public Task<Experiment> ChangeStatusAsync(string id, ExperimentStatus status, string actor, string? reason = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, actor, ExperimentChanges.ActionOf(status), reason, ExperimentChanges.Status(status), cancellationToken);

    public async Task<Experiment> AddEvidenceAsync(string id, SequentialLook look, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // MIN/MAX in SQL: looks from several processes merge in any order to the same running evidence.
        await using var update = Command(connection, null, """
            UPDATE experiments SET evidence_p = MIN(evidence_p, $p),
                evidence_low = CASE WHEN evidence_low IS NULL OR $low > evidence_low THEN $low ELSE evidence_low END,
                evidence_high = CASE WHEN evidence_high IS NULL OR $high < evidence_high THEN $high ELSE evidence_high END
            WHERE id = $id
            """);
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$p", look.PValue);
        update.Parameters.AddWithValue("$low", look.Interval.Low);
        update.Parameters.AddWithValue("$high", look.Interval.High);
        if (await update.ExecuteNonQueryAsync(cancellationToken) == 0) throw new KeyNotFoundException($"No experiment {id}.");
        return (await FindAsync(connection, null, id, cancellationToken))!;
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection, null,
            "SELECT sequence, experiment_id, actor, at, action, before, after, reason FROM audit WHERE experiment_id = $id ORDER BY sequence");
        select.Parameters.AddWithValue("$id", id);
        var entries = new List<AuditEntry>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            entries.Add(new AuditEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), SqliteText.Time(reader.GetString(3)),
                reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        return entries;
    }

    // Read, change and audit in one IMMEDIATE transaction, so two operators' changes serialise and both are logged.
    async Task<Experiment> ChangeAsync(string id, string actor, string action, string? reason,
        Func<Experiment, DateTimeOffset, Experiment> change, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var before = await FindAsync(connection, transaction, id, cancellationToken) ?? throw new KeyNotFoundException($"No experiment {id}.");
        var now = _clock.GetUtcNow();
        var after = change(before, now);
        await using (var update = Command(connection, transaction,
            "UPDATE experiments SET treatment_percent = $percent, status = $status, allocation_since = $since WHERE id = $id"))
        {
            Bind(update, after);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await AppendAuditAsync(connection, transaction, id, actor, now, action, before, after, reason, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    static async Task AppendAuditAsync(SqliteConnection connection, SqliteTransaction transaction, string id, string actor, DateTimeOffset at,
        string action, Experiment? before, Experiment after, string? reason, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, transaction,
            "INSERT INTO audit (experiment_id, actor, at, action, before, after, reason) VALUES ($id, $actor, $at, $action, $before, $after, $reason)");
        insert.Parameters.AddWithValue("$id", id);
        insert.Parameters.AddWithValue("$actor", actor);
        insert.Parameters.AddWithValue("$at", SqliteText.Time(at));
        insert.Parameters.AddWithValue("$action", action);
        insert.Parameters.AddWithValue("$before", before is null ? DBNull.Value : ExperimentJson.Settings(before));
        insert.Parameters.AddWithValue("$after", ExperimentJson.Settings(after));
        insert.Parameters.AddWithValue("$reason", (object?)reason ?? DBNull.Value);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    static async Task<Experiment?> FindAsync(SqliteConnection connection, SqliteTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        await using var select = Command(connection, transaction, $"SELECT {Columns} FROM experiments WHERE id = $id");
        select.Parameters.AddWithValue("$id", id);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    static void Bind(SqliteCommand command, Experiment e)
    {
        command.Parameters.AddWithValue("$id", e.Id);
        command.Parameters.AddWithValue("$name", e.Name);
        command.Parameters.AddWithValue("$domain", e.Domain);
        command.Parameters.AddWithValue("$control", (object?)e.ControlAdapter ?? DBNull.Value);
        command.Parameters.AddWithValue("$treatment", e.TreatmentAdapter);
        command.Parameters.AddWithValue("$percent", e.TreatmentPercent);
        command.Parameters.AddWithValue("$ramp", ExperimentJson.Ramp(e.Ramp));
        command.Parameters.AddWithValue("$guardrails", ExperimentJson.Guardrails(e.Guardrails));
        command.Parameters.AddWithValue("$status", e.Status.Name());
        command.Parameters.AddWithValue("$seed", e.Seed);
        command.Parameters.AddWithValue("$created", SqliteText.Time(e.CreatedAt));
        command.Parameters.AddWithValue("$since", SqliteText.Time(e.AllocationSince));
    }

    static Experiment Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetDouble(5),
        ExperimentJson.Ramp(r.GetString(6)), ExperimentJson.Guardrails(r.GetString(7)), ExperimentStatusNames.Parse(r.GetString(8)),
        r.GetString(9), SqliteText.Time(r.GetString(10)), SqliteText.Time(r.GetString(11)),
        new SequentialEvidence(r.GetDouble(12), r.IsDBNull(13) ? double.NegativeInfinity : r.GetDouble(13),
            r.IsDBNull(14) ? double.PositiveInfinity : r.GetDouble(14)));
}
