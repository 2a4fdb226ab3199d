using System.Globalization;
using DomainAssistant.Contracts;
using DomainAssistant.Storage;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Jobs.Alignment;

/// <summary>
/// <see cref="IAlignmentRunLedger"/> in SQLite (<c>Storage:DataDirectory</c>/alignment-runs.db, shared by the API and
/// the workers of one machine). Each decision is one IMMEDIATE transaction: it takes the file's write lock first, so
/// two processes (or two feedbacks filed at once) cannot both queue a run.
/// </summary>
public sealed class SqliteAlignmentRunLedger(string path) : IAlignmentRunLedger
{
    public const string FileName = "alignment-runs.db";
    const string Queued = AlignmentRunStates.Queued;
    const string Running = AlignmentRunStates.Running;
    const string Succeeded = AlignmentRunStates.Succeeded;
    const string Failed = AlignmentRunStates.Failed;

    const string Schema = """
        CREATE TABLE IF NOT EXISTS alignment_runs (
            id TEXT PRIMARY KEY, domain TEXT NOT NULL, method TEXT NOT NULL, state TEXT NOT NULL, requested_by TEXT NOT NULL,
            feedback_through INTEGER, published INTEGER NOT NULL, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT,
            verdict TEXT, adapter TEXT, error TEXT, adapter_sha256 TEXT);
        CREATE INDEX IF NOT EXISTS alignment_runs_by_domain ON alignment_runs (domain, state);
        """;

    const string Columns = "id, domain, method, state, requested_by, feedback_through, published, created_at, verdict, adapter, error, adapter_sha256";

    // Ledgers written before runs recorded their adapter's checksum gain the column (empty for their old runs).
    readonly SqliteFile _database = new(path, Schema,
        connection => SqliteColumns.AddMissing(connection, "alignment_runs", [("adapter_sha256", "adapter_sha256 TEXT")]));

    public async Task<(AlignmentRunEntry Run, bool Queued)> QueueAsync(StartAlignmentRun start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (await ActiveAsync(transaction, start.Domain, cancellationToken) is { } active) return (active, false);
        var run = await InsertAsync(transaction, start, Queued, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (run, true);
    }

    public async Task<AlignmentRunEntry?> QueueWhenDueAsync(StartAlignmentRun start, int threshold,
        Func<long, Task<(long Count, long? LastSequence)>> filedSince, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(filedSince);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (await ActiveAsync(transaction, start.Domain, cancellationToken) is { } active)
            return active is { Published: false, State: Queued } && now - active.CreatedAt > IAlignmentRunLedger.UnpublishedGrace ? active : null;
        await using var last = Command(connection, transaction, "SELECT COALESCE(MAX(feedback_through), 0) FROM alignment_runs WHERE domain = $domain", ("$domain", start.Domain));
        var through = (long)(await last.ExecuteScalarAsync(cancellationToken))!;
        var (count, lastSequence) = await filedSince(through);
        if (count < threshold) return null;
        var run = await InsertAsync(transaction, start, Queued, lastSequence, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return run;
    }

    public Task MarkPublishedAsync(Guid id, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE alignment_runs SET published = 1 WHERE id = $id", cancellationToken, ("$id", Id(id)));

    public async Task<AlignmentRunEntry?> StartAsync(StartAlignmentRun start, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var run = await FindAsync(connection, transaction, start.JobId, cancellationToken) ?? await InsertAsync(transaction, start, Queued, null, cancellationToken);
        if (run.State is Succeeded or Failed) return null;
        await using var update = Command(connection, transaction, "UPDATE alignment_runs SET state = $state, published = 1, started_at = $at WHERE id = $id",
            ("$state", Running), ("$at", Time(now)), ("$id", Id(run.Id)));
        await update.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return run with { State = Running, Published = true };
    }

    public Task RecordWindowAsync(Guid id, long? lastSequence, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE alignment_runs SET feedback_through = MAX(COALESCE(feedback_through, 0), COALESCE($through, 0)) WHERE id = $id", cancellationToken,
            ("$through", (object?)lastSequence ?? DBNull.Value), ("$id", Id(id)));

    public Task SucceedAsync(Guid id, string verdict, string adapter, string adapterSha256, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE alignment_runs SET state = $state, verdict = $verdict, adapter = $adapter, adapter_sha256 = $sha, finished_at = $at WHERE id = $id",
            cancellationToken, ("$state", Succeeded), ("$verdict", verdict), ("$adapter", adapter), ("$sha", adapterSha256), ("$at", Time(now)), ("$id", Id(id)));

    public Task FailAsync(Guid id, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE alignment_runs SET state = $state, error = $error, finished_at = $at WHERE id = $id", cancellationToken,
            ("$state", Failed), ("$error", reason), ("$at", Time(now)), ("$id", Id(id)));

    public async Task<AlignmentRunEntry?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await FindAsync(connection, null, id, cancellationToken);
    }

    public async Task<IReadOnlyList<AlignmentRunEntry>> ForDomainAsync(string domain, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await QueryAsync(connection, null, "WHERE domain = $domain ORDER BY created_at, rowid", cancellationToken, ("$domain", domain));
    }

    public async Task<IReadOnlyList<AlignmentRunEntry>> UnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await QueryAsync(connection, null, $"WHERE state IN ('{Queued}', '{Running}') ORDER BY created_at, rowid", cancellationToken);
    }

    static async Task<AlignmentRunEntry?> ActiveAsync(SqliteTransaction transaction, string domain, CancellationToken cancellationToken) =>
        First(await QueryAsync(transaction.Connection!, transaction, $"WHERE domain = $domain AND state IN ('{Queued}', '{Running}') ORDER BY created_at LIMIT 1",
            cancellationToken, ("$domain", domain)));

    static async Task<AlignmentRunEntry?> FindAsync(SqliteConnection connection, SqliteTransaction? transaction, Guid id, CancellationToken cancellationToken) =>
        First(await QueryAsync(connection, transaction, "WHERE id = $id", cancellationToken, ("$id", Id(id))));

    static AlignmentRunEntry? First(IReadOnlyList<AlignmentRunEntry> runs) => runs.Count == 0 ? null : runs[0];

    static async Task<AlignmentRunEntry> InsertAsync(SqliteTransaction transaction, StartAlignmentRun start, string state, long? through,
        CancellationToken cancellationToken)
    {
        var run = new AlignmentRunEntry(start.JobId, start.Domain, start.Method, state, start.RequestedBy, through, false, DateTimeOffset.UtcNow, null, null, null, null);
        await using var insert = Command(transaction.Connection!, transaction,
            "INSERT INTO alignment_runs (id, domain, method, state, requested_by, feedback_through, published, created_at) VALUES ($id, $domain, $method, $state, $by, $through, 0, $at)",
            ("$id", Id(run.Id)), ("$domain", run.Domain), ("$method", run.Method), ("$state", state), ("$by", run.RequestedBy),
            ("$through", (object?)through ?? DBNull.Value), ("$at", Time(run.CreatedAt)));
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return run;
    }

    static async Task<IReadOnlyList<AlignmentRunEntry>> QueryAsync(SqliteConnection connection, SqliteTransaction? transaction, string where, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var select = Command(connection, transaction, $"SELECT {Columns} FROM alignment_runs {where}", parameters);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var runs = new List<AlignmentRunEntry>();
        while (await reader.ReadAsync(cancellationToken))
            runs.Add(new AlignmentRunEntry(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5), reader.GetInt64(6) != 0, ParseTime(reader.GetString(7)),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.IsDBNull(11) ? null : reader.GetString(11)));
        return runs;
    }

    async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    static string Id(Guid id) => id.ToString("D");

    static string Time(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
