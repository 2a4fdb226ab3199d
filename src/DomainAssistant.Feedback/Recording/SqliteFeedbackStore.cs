using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Storage;
using DomainAssistant.Feedback.Validation;
using DomainAssistant.Storage;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Feedback.Recording;

/// <summary>
/// <see cref="IFeedbackStore"/> on a SQLite file (table <c>feedback</c>): the whole lineage, a fingerprint for
/// idempotent retries, and the publish state. Safe for concurrent callers; several processes may share the file.
/// </summary>
public sealed class SqliteFeedbackStore : IFeedbackStore
{
    const string Schema = $"""
        CREATE TABLE IF NOT EXISTS feedback (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            feedback_id TEXT NOT NULL UNIQUE,
            {LineageColumns.Definitions},
            fingerprint TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            published_at TEXT,
            publish_attempts INTEGER NOT NULL DEFAULT 0,
            last_publish_error TEXT
        );
        CREATE INDEX IF NOT EXISTS feedback_pending ON feedback (sequence) WHERE published_at IS NULL;
        """;

    const string StateColumns = "sequence, recorded_at, published_at, publish_attempts, last_publish_error";

    readonly SqliteFile _file;
    readonly TimeProvider _clock;

    /// <param name="databasePath">The SQLite file; it and its folder are created when missing.</param>
    /// <param name="clock">Stamps recorded_at; the system clock when null.</param>
    public SqliteFeedbackStore(string databasePath, TimeProvider? clock = null)
    {
        _file = new SqliteFile(databasePath, Schema, connection => LineageColumns.AddMissing(connection, "feedback"));
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The absolute path of the database file.</summary>
    public string DatabasePath => _file.Path;

    public async Task<FeedbackRecording> RecordAsync(FeedbackSubmitted feedback, CancellationToken cancellationToken = default)
    {
        FeedbackRules.Validate(feedback);
        var fingerprint = FeedbackFingerprint.Of(feedback);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = $"""
            INSERT INTO feedback ({LineageColumns.Names}, fingerprint, recorded_at)
            VALUES ({LineageColumns.Parameters}, $fingerprint, $recorded_at)
            ON CONFLICT (feedback_id) DO NOTHING
            """;
        LineageColumns.Bind(insert, feedback);
        insert.Parameters.AddWithValue("$fingerprint", fingerprint);
        insert.Parameters.AddWithValue("$recorded_at", LineageColumns.Text(_clock.GetUtcNow()));
        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1) return FeedbackRecording.Recorded;

        await using var existing = connection.CreateCommand();
        existing.CommandText = "SELECT fingerprint FROM feedback WHERE feedback_id = $feedback_id";
        existing.Parameters.AddWithValue("$feedback_id", LineageColumns.Text(feedback.FeedbackId));
        var stored = (string?)await existing.ExecuteScalarAsync(cancellationToken);
        return stored == fingerprint ? FeedbackRecording.AlreadyRecorded : throw new FeedbackConflictException(feedback.FeedbackId);
    }

    /// <summary>The same as <see cref="RecordAsync"/>: a file has one outbox, which leaves what it holds out of its own passes.</summary>
    public Task<FeedbackRecording> RecordClaimedAsync(FeedbackSubmitted feedback, CancellationToken cancellationToken = default) =>
        RecordAsync(feedback, cancellationToken);

    /// <summary>Nothing to give back: this store claims nothing.</summary>
    public Task ReleaseAsync(IReadOnlyCollection<Guid> feedbackIds, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task<IReadOnlyList<StoredFeedback>> ReadPendingAsync(long afterSequence, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = $"""
            SELECT {StateColumns}, {LineageColumns.Names} FROM feedback
            WHERE published_at IS NULL AND sequence > $after ORDER BY sequence LIMIT $max
            """;
        select.Parameters.AddWithValue("$after", afterSequence);
        select.Parameters.AddWithValue("$max", max);
        return await ReadAllAsync(select, cancellationToken);
    }

    public Task MarkPublishedAsync(IReadOnlyCollection<Guid> feedbackIds, DateTimeOffset publishedAt, CancellationToken cancellationToken = default) =>
        UpdateEachAsync(feedbackIds, """
            UPDATE feedback SET published_at = $value, publish_attempts = publish_attempts + 1, last_publish_error = NULL
            WHERE feedback_id = $feedback_id AND published_at IS NULL
            """, LineageColumns.Text(publishedAt), cancellationToken);

    public Task MarkPublishFailedAsync(IReadOnlyCollection<Guid> feedbackIds, string reason, CancellationToken cancellationToken = default) =>
        UpdateEachAsync(feedbackIds, """
            UPDATE feedback SET publish_attempts = publish_attempts + 1, last_publish_error = $value
            WHERE feedback_id = $feedback_id AND published_at IS NULL
            """, reason, cancellationToken);

    public async Task<StoredFeedback?> FindAsync(Guid feedbackId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {StateColumns}, {LineageColumns.Names} FROM feedback WHERE feedback_id = $feedback_id";
        select.Parameters.AddWithValue("$feedback_id", LineageColumns.Text(feedbackId));
        var found = await ReadAllAsync(select, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<long> CountPendingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM feedback WHERE published_at IS NULL";
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    async Task UpdateEachAsync(IReadOnlyCollection<Guid> feedbackIds, string sql, string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feedbackIds);
        if (feedbackIds.Count == 0) return;
        await using var connection = await _file.OpenAsync(cancellationToken);
        // One transaction: one sync to disk for the whole batch.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = sql;
        update.Parameters.AddWithValue("$value", value);
        var id = update.Parameters.Add("$feedback_id", SqliteType.Text);
        foreach (var feedbackId in feedbackIds)
        {
            id.Value = LineageColumns.Text(feedbackId);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    static async Task<IReadOnlyList<StoredFeedback>> ReadAllAsync(SqliteCommand select, CancellationToken cancellationToken)
    {
        var rows = new List<StoredFeedback>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StoredFeedback(
                Feedback: LineageColumns.Read(reader, 5),
                Sequence: reader.GetInt64(0),
                RecordedAt: LineageColumns.Time(reader.GetString(1)),
                PublishedAt: reader.IsDBNull(2) ? null : LineageColumns.Time(reader.GetString(2)),
                PublishAttempts: reader.GetInt32(3),
                LastPublishError: reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return rows;
    }
}
