using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Storage;
using DomainAssistant.Feedback.Validation;
using DomainAssistant.Storage;

namespace DomainAssistant.Feedback.Filing;

/// <summary>
/// <see cref="IFeedbackInbox"/> on a SQLite file (table <c>training_examples</c>), unique by feedback id:
/// INSERT OR IGNORE makes a second delivery a no-op, even when two deliveries race.
/// </summary>
public sealed class SqliteFeedbackInbox : IFeedbackInbox
{
    const string Schema = $"""
        CREATE TABLE IF NOT EXISTS training_examples (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            feedback_id TEXT NOT NULL UNIQUE,
            {LineageColumns.Definitions},
            filed_at TEXT NOT NULL
        );
        """;

    readonly SqliteFile _file;
    readonly TimeProvider _clock;

    /// <param name="databasePath">The SQLite file; it and its folder are created when missing.</param>
    /// <param name="clock">Stamps filed_at; the system clock when null.</param>
    public SqliteFeedbackInbox(string databasePath, TimeProvider? clock = null)
    {
        _file = new SqliteFile(databasePath, Schema, connection => LineageColumns.AddMissing(connection, "training_examples"));
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The absolute path of the database file.</summary>
    public string DatabasePath => _file.Path;

    public async Task<bool> FileAsync(FeedbackSubmitted feedback, CancellationToken cancellationToken = default) =>
        (await FileManyAsync([feedback], cancellationToken))[0];

    public async Task<IReadOnlyList<bool>> FileManyAsync(IReadOnlyList<FeedbackSubmitted> feedbacks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedbacks);
        foreach (var feedback in feedbacks) FeedbackRules.Validate(feedback);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var filed = new List<bool>(feedbacks.Count);
        foreach (var feedback in feedbacks)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"""
                INSERT OR IGNORE INTO training_examples ({LineageColumns.Names}, filed_at)
                VALUES ({LineageColumns.Parameters}, $filed_at)
                """;
            LineageColumns.Bind(insert, feedback);
            insert.Parameters.AddWithValue("$filed_at", LineageColumns.Text(_clock.GetUtcNow()));
            filed.Add(await insert.ExecuteNonQueryAsync(cancellationToken) == 1);
        }
        await transaction.CommitAsync(cancellationToken);
        return filed;
    }

    public async Task<IReadOnlyList<FiledFeedback>> ReadAsync(long afterSequence, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = $"""
            SELECT sequence, filed_at, {LineageColumns.Names} FROM training_examples
            WHERE sequence > $after ORDER BY sequence LIMIT $max
            """;
        select.Parameters.AddWithValue("$after", afterSequence);
        select.Parameters.AddWithValue("$max", max);
        var rows = new List<FiledFeedback>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new FiledFeedback(LineageColumns.Read(reader, 2), reader.GetInt64(0), LineageColumns.Time(reader.GetString(1))));
        return rows;
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM training_examples";
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<(long Count, long? LastSequence)> CountForDomainAsync(string domain, long afterSequence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domain);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*), MAX(sequence) FROM training_examples WHERE domain = $domain AND sequence > $after";
        count.Parameters.AddWithValue("$domain", domain);
        count.Parameters.AddWithValue("$after", afterSequence);
        await using var reader = await count.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1));
    }
}
