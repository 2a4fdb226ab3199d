using DomainAssistant.Contracts;
using DomainAssistant.Storage.PostgreSql;
using Npgsql;
using NpgsqlTypes;

namespace DomainAssistant.Jobs.Alignment;

/// <summary>
/// <see cref="IAlignmentRunLedger"/> in the scale-out mode's shared PostgreSQL database. Each decision about a domain
/// is one transaction holding that domain's advisory lock, so the API processes and workers decide one at a time per
/// domain (two feedbacks filed at once in two workers queue one run), while other domains go on.
/// </summary>
public sealed class PostgresAlignmentRunLedger(PostgresDatabase database) : IAlignmentRunLedger
{
    /// <summary>The table, as <see cref="SqliteAlignmentRunLedger"/> keeps it, with native ids and times.</summary>
    public static ComponentSchema Schema { get; } = new("alignment_runs", new SchemaMigration(1, "alignment runs", """
        CREATE TABLE alignment_runs (
            sequence BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            id UUID PRIMARY KEY,
            domain TEXT NOT NULL,
            method TEXT NOT NULL,
            state TEXT NOT NULL,
            requested_by TEXT NOT NULL,
            feedback_through BIGINT,
            published BOOLEAN NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            started_at TIMESTAMPTZ,
            finished_at TIMESTAMPTZ,
            verdict TEXT,
            adapter TEXT,
            error TEXT,
            adapter_sha256 TEXT
        );
        CREATE INDEX alignment_runs_by_domain ON alignment_runs (domain, state);
        """));

    const string Queued = AlignmentRunStates.Queued;
    const string Running = AlignmentRunStates.Running;
    const string Succeeded = AlignmentRunStates.Succeeded;
    const string Failed = AlignmentRunStates.Failed;

    const string Columns = "id, domain, method, state, requested_by, feedback_through, published, created_at, verdict, adapter, error, adapter_sha256";

    // The first half of each domain's two-part advisory lock key ("DA_R"); the second is the domain's hash. Two-part
    // keys never meet the one-part keys of migrations and filing.
    const int DomainLocks = 0x44_41_5F_52;

    public async Task<(AlignmentRunEntry Run, bool Queued)> QueueAsync(StartAlignmentRun start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var transaction = await DecideAsync(connection, start.Domain, cancellationToken);
        if (await ActiveAsync(transaction, start.Domain, cancellationToken) is { } active) return (active, false);
        var run = await InsertAsync(transaction, start, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (run, true);
    }

    public async Task<AlignmentRunEntry?> QueueWhenDueAsync(StartAlignmentRun start, int threshold,
        Func<long, Task<(long Count, long? LastSequence)>> filedSince, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(filedSince);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var transaction = await DecideAsync(connection, start.Domain, cancellationToken);
        if (await ActiveAsync(transaction, start.Domain, cancellationToken) is { } active)
            return active is { Published: false, State: Queued } && now - active.CreatedAt > IAlignmentRunLedger.UnpublishedGrace ? active : null;
        await using var last = Command(connection, transaction, "SELECT COALESCE(MAX(feedback_through), 0) FROM alignment_runs WHERE domain = @domain",
            ("domain", start.Domain));
        var through = (long)(await last.ExecuteScalarAsync(cancellationToken))!;
        var (count, lastSequence) = await filedSince(through);
        if (count < threshold) return null;
        var run = await InsertAsync(transaction, start, lastSequence, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return run;
    }

    public Task MarkPublishedAsync(Guid id, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE alignment_runs SET published = TRUE WHERE id = @id", cancellationToken, ("id", id));

    public async Task<AlignmentRunEntry?> StartAsync(StartAlignmentRun start, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var transaction = await DecideAsync(connection, start.Domain, cancellationToken);
        var run = First(await QueryAsync(connection, transaction, "WHERE id = @id", cancellationToken, ("id", start.JobId)))
            ?? await InsertAsync(transaction, start, null, cancellationToken);
        if (run.State is Succeeded or Failed) return null;
        await using var update = Command(connection, transaction, "UPDATE alignment_runs SET state = @state, published = TRUE, started_at = @at WHERE id = @id",
            ("state", Running), ("at", now.ToUniversalTime()), ("id", run.Id));
        await update.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return run with { State = Running, Published = true };
    }

    public Task RecordWindowAsync(Guid id, long? lastSequence, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE alignment_runs SET feedback_through = GREATEST(COALESCE(feedback_through, 0), COALESCE(@through, 0)) WHERE id = @id",
            cancellationToken, ("through", new NpgsqlParameter("through", NpgsqlDbType.Bigint) { Value = (object?)lastSequence ?? DBNull.Value }), ("id", id));

    public Task SucceedAsync(Guid id, string verdict, string adapter, string adapterSha256, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE alignment_runs SET state = @state, verdict = @verdict, adapter = @adapter, adapter_sha256 = @sha, finished_at = @at WHERE id = @id",
            cancellationToken, ("state", Succeeded), ("verdict", verdict), ("adapter", adapter), ("sha", adapterSha256), ("at", now.ToUniversalTime()), ("id", id));

    public Task FailAsync(Guid id, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE alignment_runs SET state = @state, error = @error, finished_at = @at WHERE id = @id", cancellationToken,
            ("state", Failed), ("error", reason), ("at", now.ToUniversalTime()), ("id", id));

    public async Task<AlignmentRunEntry?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        return First(await QueryAsync(connection, null, "WHERE id = @id", cancellationToken, ("id", id)));
    }

    public async Task<IReadOnlyList<AlignmentRunEntry>> ForDomainAsync(string domain, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        return await QueryAsync(connection, null, "WHERE domain = @domain ORDER BY created_at, sequence", cancellationToken, ("domain", domain));
    }

    public async Task<IReadOnlyList<AlignmentRunEntry>> UnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        return await QueryAsync(connection, null, $"WHERE state IN ('{Queued}', '{Running}') ORDER BY created_at, sequence", cancellationToken);
    }

    /// <summary>A transaction holding <paramref name="domain"/>'s lock until it ends: the ledger's decisions about it one at a time.</summary>
    static async Task<NpgsqlTransaction> DecideAsync(NpgsqlConnection connection, string domain, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var serialize = Command(connection, transaction, "SELECT pg_advisory_xact_lock(@locks, hashtext(@domain))",
            ("locks", DomainLocks), ("domain", domain));
        await serialize.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }

    static async Task<AlignmentRunEntry?> ActiveAsync(NpgsqlTransaction transaction, string domain, CancellationToken cancellationToken) =>
        First(await QueryAsync(transaction.Connection!, transaction,
            $"WHERE domain = @domain AND state IN ('{Queued}', '{Running}') ORDER BY created_at, sequence LIMIT 1", cancellationToken, ("domain", domain)));

    static AlignmentRunEntry? First(IReadOnlyList<AlignmentRunEntry> runs) => runs.Count == 0 ? null : runs[0];

    static async Task<AlignmentRunEntry> InsertAsync(NpgsqlTransaction transaction, StartAlignmentRun start, long? through, CancellationToken cancellationToken)
    {
        var run = new AlignmentRunEntry(start.JobId, start.Domain, start.Method, Queued, start.RequestedBy, through, false,
            PostgresTime.Stored(DateTimeOffset.UtcNow), null, null, null, null);
        await using var insert = Command(transaction.Connection!, transaction, """
            INSERT INTO alignment_runs (id, domain, method, state, requested_by, feedback_through, published, created_at)
            VALUES (@id, @domain, @method, @state, @by, @through, FALSE, @at)
            """,
            ("id", run.Id), ("domain", run.Domain), ("method", run.Method), ("state", run.State), ("by", run.RequestedBy),
            ("through", new NpgsqlParameter("through", NpgsqlDbType.Bigint) { Value = (object?)through ?? DBNull.Value }), ("at", run.CreatedAt));
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return run;
    }

    static async Task<IReadOnlyList<AlignmentRunEntry>> QueryAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string where,
        CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var select = Command(connection, transaction, $"SELECT {Columns} FROM alignment_runs {where}", parameters);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var runs = new List<AlignmentRunEntry>();
        while (await reader.ReadAsync(cancellationToken))
            runs.Add(new AlignmentRunEntry(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5), reader.GetBoolean(6), PostgresTime.Read(reader, 7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.IsDBNull(11) ? null : reader.GetString(11)));
        return runs;
    }

    async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = Command(connection, null, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // A value that is already a parameter (a typed null) is added as it is.
    static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            if (value is NpgsqlParameter typed) command.Parameters.Add(typed);
            else command.Parameters.AddWithValue(name, value);
        }
        return command;
    }
}
