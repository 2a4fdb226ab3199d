using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Storage;
using DomainAssistant.Feedback.Validation;
using DomainAssistant.Storage.PostgreSql;
using Npgsql;

namespace DomainAssistant.Feedback.Filing;

/// <summary>
/// <see cref="IFeedbackInbox"/> in the scale-out mode's shared PostgreSQL database (table <c>training_examples</c>),
/// unique by feedback id: INSERT ... ON CONFLICT DO NOTHING makes a second delivery a no-op, even when two consumers in
/// two processes race (the loser waits for the winner's commit, then does nothing).
/// </summary>
/// <remarks>
/// Readers resume after the last sequence they saw (the trainer's export, the alignment trigger's count), so a
/// sequence must never become visible after a higher one: each filing holds a transaction-scoped advisory lock from
/// before its sequence is drawn until it commits, which makes filings commit in sequence order, as SQLite's single
/// writer does.
/// </remarks>
public sealed class PostgresFeedbackInbox(PostgresDatabase database, TimeProvider? clock = null) : IFeedbackInbox
{
    /// <summary>The table, as <see cref="SqliteFeedbackInbox"/> keeps it, with native ids, times and JSON lists.</summary>
    public static ComponentSchema Schema { get; } = new("training_examples", new SchemaMigration(1, "training examples filed from feedback", $"""
        CREATE TABLE training_examples (
            sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            feedback_id UUID NOT NULL UNIQUE,
            {PostgresLineageColumns.Definitions},
            filed_at TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX training_examples_by_domain ON training_examples (domain, sequence);
        """));

    // Any constant every process agrees on, other than the migrations' ("DA_FIL").
    const long FilingLock = 0x44_41_5F_46_49_4C;

    readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<bool> FileAsync(FeedbackSubmitted feedback, CancellationToken cancellationToken = default) =>
        (await FileManyAsync([feedback], cancellationToken))[0];

    public async Task<IReadOnlyList<bool>> FileManyAsync(IReadOnlyList<FeedbackSubmitted> feedbacks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedbacks);
        foreach (var feedback in feedbacks) FeedbackRules.Validate(feedback);
        // A feedback listed twice goes in once, at its first place; the later places answer "filed before".
        var firsts = feedbacks.Select((feedback, i) => (feedback, i)).DistinctBy(p => p.feedback.FeedbackId).ToList();
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The lock, the rows and the BEGIN before them travel in one round trip; the commit is the second.
        await using var insert = new NpgsqlCommand($"""
            SELECT pg_advisory_xact_lock(@key);
            INSERT INTO training_examples ({PostgresLineageColumns.Names}, filed_at)
            SELECT {PostgresLineageArrays.Columns}, @filed_at FROM {PostgresLineageArrays.Rows}
            ORDER BY f.ord
            ON CONFLICT (feedback_id) DO NOTHING
            RETURNING feedback_id
            """, connection, transaction);
        insert.Parameters.AddWithValue("key", FilingLock);
        insert.Parameters.AddWithValue("filed_at", _clock.GetUtcNow().ToUniversalTime());
        PostgresLineageArrays.Bind(insert, [.. firsts.Select(p => p.feedback)]);
        var inserted = new HashSet<Guid>();
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) inserted.Add(reader.GetGuid(0));
        }
        await transaction.CommitAsync(cancellationToken);
        var filed = new bool[feedbacks.Count];
        foreach (var (feedback, i) in firsts) filed[i] = inserted.Contains(feedback.FeedbackId);
        return filed;
    }

    public async Task<IReadOnlyList<FiledFeedback>> ReadAsync(long afterSequence, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var select = new NpgsqlCommand($"""
            SELECT sequence, filed_at, {PostgresLineageColumns.Selected} FROM training_examples
            WHERE sequence > @after ORDER BY sequence LIMIT @max
            """, connection);
        select.Parameters.AddWithValue("after", afterSequence);
        select.Parameters.AddWithValue("max", max);
        var rows = new List<FiledFeedback>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new FiledFeedback(PostgresLineageColumns.Read(reader, 2), reader.GetInt64(0), PostgresTime.Read(reader, 1)));
        return rows;
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM training_examples", connection);
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<(long Count, long? LastSequence)> CountForDomainAsync(string domain, long afterSequence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domain);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var count = new NpgsqlCommand(
            "SELECT COUNT(*), MAX(sequence) FROM training_examples WHERE domain = @domain AND sequence > @after", connection);
        count.Parameters.AddWithValue("domain", domain);
        count.Parameters.AddWithValue("after", afterSequence);
        await using var reader = await count.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1));
    }
}
