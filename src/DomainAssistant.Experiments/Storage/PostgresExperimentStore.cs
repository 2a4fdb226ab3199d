using DomainAssistant.Experiments.Statistics;
using DomainAssistant.Storage.PostgreSql;
using Npgsql;
using NpgsqlTypes;

namespace DomainAssistant.Experiments.Storage;

/// <summary>
/// <see cref="IExperimentStore"/> in the scale-out mode's shared PostgreSQL database (tables <c>experiments</c> and
/// <c>experiment_audit</c>), for API processes and workers that change the same experiments at once.
/// </summary>
public sealed class PostgresExperimentStore(PostgresDatabase database, TimeProvider? clock = null) : IExperimentStore
{
    const string Columns = """
        id, name, domain, control_adapter, treatment_adapter, treatment_percent, ramp, guardrails, status, seed,
        created_at, allocation_since, evidence_p, evidence_low, evidence_high
        """;

    const string ReadColumns = """
        id, name, domain, control_adapter, treatment_adapter, treatment_percent, ramp::text, guardrails::text, status, seed,
        created_at, allocation_since, evidence_p, evidence_low, evidence_high
        """;

    const string UniqueViolation = "23505";

    readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<Experiment> CreateAsync(ExperimentDraft draft, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var now = PostgresTime.Stored(_clock.GetUtcNow());
        var experiment = ExperimentChanges.Create(draft, now);

        await using var connection = await database.OpenAsync(PostgresExperimentSchema.Schema, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LiveInDomainAsync(connection, transaction, experiment.Domain, cancellationToken) is { } other)
            throw ExperimentChanges.DomainTaken(experiment.Domain, other);
        try
        {
            await using (var insert = new NpgsqlCommand(
                $"INSERT INTO experiments ({Columns}) VALUES (@id, @name, @domain, @control, @treatment, @percent, @ramp, @guardrails, @status, @seed, @created, @since, 1, NULL, NULL)",
                connection, transaction))
            {
                Bind(insert, experiment);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch (PostgresException e) when (e.SqlState == UniqueViolation && e.ConstraintName == "experiments_one_live_per_domain")
        {
            // Another process created one between our look and our insert; name it as the look would have.
            await transaction.RollbackAsync(CancellationToken.None);
            var winner = await LiveInDomainAsync(connection, null, experiment.Domain, cancellationToken) ?? "created just now";
            throw ExperimentChanges.DomainTaken(experiment.Domain, winner);
        }
        await AppendAuditAsync(connection, transaction, experiment.Id, actor, now, "create", null, experiment, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return experiment;
    }

    static async Task<string?> LiveInDomainAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string domain, CancellationToken cancellationToken)
    {
        await using var live = new NpgsqlCommand("SELECT id FROM experiments WHERE domain = @domain AND status IN ('running', 'paused')", connection, transaction);
        live.Parameters.AddWithValue("domain", domain);
        return await live.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<Experiment?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(PostgresExperimentSchema.Schema, cancellationToken);
        return await FindAsync(connection, null, id, forUpdate: false, cancellationToken);
    }

    public async Task<IReadOnlyList<Experiment>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(PostgresExperimentSchema.Schema, cancellationToken);
        await using var select = new NpgsqlCommand($"SELECT {ReadColumns} FROM experiments ORDER BY created_at, sequence", connection);
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
        await using var connection = await database.OpenAsync(PostgresExperimentSchema.Schema, cancellationToken);
        // LEAST/GREATEST in SQL: looks from several processes merge in any order to the same running evidence.
        await using var update = new NpgsqlCommand($"""
            UPDATE experiments SET evidence_p = LEAST(evidence_p, @p),
                evidence_low = GREATEST(COALESCE(evidence_low, @low), @low),
                evidence_high = LEAST(COALESCE(evidence_high, @high), @high)
            WHERE id = @id
            RETURNING {ReadColumns}
            """, connection);
        update.Parameters.AddWithValue("id", id);
        update.Parameters.AddWithValue("p", look.PValue);
        update.Parameters.AddWithValue("low", look.Interval.Low);
        update.Parameters.AddWithValue("high", look.Interval.High);
        await using var reader = await update.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : throw new KeyNotFoundException($"No experiment {id}.");
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(PostgresExperimentSchema.Schema, cancellationToken);
        await using var select = new NpgsqlCommand(
            "SELECT sequence, experiment_id, actor, at, action, before, after, reason FROM experiment_audit WHERE experiment_id = @id ORDER BY sequence", connection);
        select.Parameters.AddWithValue("id", id);
        var entries = new List<AuditEntry>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            entries.Add(new AuditEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), PostgresTime.Read(reader, 3),
                reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        return entries;
    }

    // Read (FOR UPDATE), change and audit in one transaction: two operators' changes serialise on the experiment's row,
    // the second sees the first's result, so a change made on a stale look is refused rather than applied over it.
    async Task<Experiment> ChangeAsync(string id, string actor, string action, string? reason,
        Func<Experiment, DateTimeOffset, Experiment> change, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        await using var connection = await database.OpenAsync(PostgresExperimentSchema.Schema, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = await FindAsync(connection, transaction, id, forUpdate: true, cancellationToken) ?? throw new KeyNotFoundException($"No experiment {id}.");
        var now = PostgresTime.Stored(_clock.GetUtcNow());
        var after = change(before, now);
        await using (var update = new NpgsqlCommand(
            "UPDATE experiments SET treatment_percent = @percent, status = @status, allocation_since = @since WHERE id = @id", connection, transaction))
        {
            Bind(update, after);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await AppendAuditAsync(connection, transaction, id, actor, now, action, before, after, reason, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    static async Task AppendAuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, string actor, DateTimeOffset at,
        string action, Experiment? before, Experiment after, string? reason, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            "INSERT INTO experiment_audit (experiment_id, actor, at, action, before, after, reason) VALUES (@id, @actor, @at, @action, @before, @after, @reason)",
            connection, transaction);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("actor", actor);
        insert.Parameters.AddWithValue("at", at.ToUniversalTime());
        insert.Parameters.AddWithValue("action", action);
        insert.Parameters.Add(new NpgsqlParameter("before", NpgsqlDbType.Text) { Value = before is null ? DBNull.Value : ExperimentJson.Settings(before) });
        insert.Parameters.AddWithValue("after", ExperimentJson.Settings(after));
        insert.Parameters.Add(new NpgsqlParameter("reason", NpgsqlDbType.Text) { Value = (object?)reason ?? DBNull.Value });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    static async Task<Experiment?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string id, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand($"SELECT {ReadColumns} FROM experiments WHERE id = @id{(forUpdate ? " FOR UPDATE" : "")}", connection, transaction);
        select.Parameters.AddWithValue("id", id);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    static void Bind(NpgsqlCommand command, Experiment e)
    {
        command.Parameters.AddWithValue("id", e.Id);
        command.Parameters.AddWithValue("name", e.Name);
        command.Parameters.AddWithValue("domain", e.Domain);
        command.Parameters.Add(new NpgsqlParameter("control", NpgsqlDbType.Text) { Value = (object?)e.ControlAdapter ?? DBNull.Value });
        command.Parameters.AddWithValue("treatment", e.TreatmentAdapter);
        command.Parameters.AddWithValue("percent", e.TreatmentPercent);
        command.Parameters.Add(new NpgsqlParameter("ramp", NpgsqlDbType.Jsonb) { Value = ExperimentJson.Ramp(e.Ramp) });
        command.Parameters.Add(new NpgsqlParameter("guardrails", NpgsqlDbType.Jsonb) { Value = ExperimentJson.Guardrails(e.Guardrails) });
        command.Parameters.AddWithValue("status", e.Status.Name());
        command.Parameters.AddWithValue("seed", e.Seed);
        command.Parameters.AddWithValue("created", e.CreatedAt.ToUniversalTime());
        command.Parameters.AddWithValue("since", e.AllocationSince.ToUniversalTime());
    }

    static Experiment Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetDouble(5),
        ExperimentJson.Ramp(r.GetString(6)), ExperimentJson.Guardrails(r.GetString(7)), ExperimentStatusNames.Parse(r.GetString(8)),
        r.GetString(9), PostgresTime.Read(r, 10), PostgresTime.Read(r, 11),
        new SequentialEvidence(r.GetDouble(12), r.IsDBNull(13) ? double.NegativeInfinity : r.GetDouble(13),
            r.IsDBNull(14) ? double.PositiveInfinity : r.GetDouble(14)));
}
