using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Storage;
using DomainAssistant.Feedback.Validation;
using DomainAssistant.Storage;
using DomainAssistant.Storage.PostgreSql;
using Npgsql;
using NpgsqlTypes;

namespace DomainAssistant.Feedback.Recording;

/// <summary>
/// <see cref="IFeedbackStore"/> in the scale-out mode's shared PostgreSQL database: the table
/// <see cref="SqliteFeedbackStore"/> keeps, so every API process records into one outbox and any of them publishes it.
/// </summary>
/// <remarks>
/// Sequences may commit out of order here (two processes insert at once), so a pending row can appear behind one
/// already read; the outbox reads the pending list from the start on every pass, which picks such a row up.
/// Every API process's outbox reads the same pending list: a row handed to one pass is claimed for
/// <c>claim</c> (the database's clock), so the other processes' passes skip it instead of publishing it a second
/// time; a failed publish releases it at once, and a claim whose process died runs out and the row is handed out again.
/// The recording process claims what it records in the INSERT itself (<see cref="RecordClaimedAsync"/>) and publishes
/// it straight away, so a feedback takes no claiming UPDATE of its own and no other process's pass ever reads it unless
/// that process dies or gives it back. Those INSERTs are grouped (<see cref="GroupCommit{TItem, TResult}"/>): the
/// feedbacks a process records while its previous group commits go in together, one statement and one commit.
/// </remarks>
/// <param name="database">The shared database.</param>
/// <param name="clock">Stamps recorded_at; the system clock when null.</param>
/// <param name="claim">How long a pending row handed to one pass stays away from the others; <see cref="DefaultClaim"/> when null.
/// Longer than a pass takes to publish a batch and mark it (the outbox's publish timeout, and then some).</param>
public sealed class PostgresFeedbackStore(PostgresDatabase database, TimeProvider? clock = null, TimeSpan? claim = null) : IFeedbackStore, IAsyncDisposable
{
    /// <summary>Most feedbacks one grouped INSERT records; more wait for the next.</summary>
    public const int MaxGroup = 256;

    /// <summary>The claim when none is given: twice the outbox's default publish timeout.</summary>
    public static TimeSpan DefaultClaim { get; } = TimeSpan.FromMinutes(1);

    /// <summary>The table, with native ids, times and JSON lists.</summary>
    public static ComponentSchema Schema { get; } = new("feedback", new SchemaMigration(1, "feedback with its lineage and publish state", $"""
        CREATE TABLE feedback (
            sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            feedback_id UUID NOT NULL UNIQUE,
            {PostgresLineageColumns.Definitions},
            fingerprint TEXT NOT NULL,
            recorded_at TIMESTAMPTZ NOT NULL,
            published_at TIMESTAMPTZ,
            publish_attempts INTEGER NOT NULL DEFAULT 0,
            last_publish_error TEXT
        );
        CREATE INDEX feedback_pending ON feedback (sequence) WHERE published_at IS NULL;
        """), new SchemaMigration(2, "pending feedback claimed by the outbox pass that publishes it", """
        ALTER TABLE feedback ADD COLUMN claimed_until TIMESTAMPTZ;
        """));

    const string StateColumns = "sequence, recorded_at, published_at, publish_attempts, last_publish_error";

    readonly TimeProvider _clock = clock ?? TimeProvider.System;
    readonly TimeSpan _claim = claim ?? DefaultClaim;
    GroupCommit<FeedbackSubmitted, FeedbackRecording?>? _claimedGroups;
    readonly Lock _startingGroups = new();

    public Task<FeedbackRecording> RecordAsync(FeedbackSubmitted feedback, CancellationToken cancellationToken = default) =>
        RecordAsync(feedback, claimed: false, cancellationToken);

    /// <summary>Records and claims in one INSERT, grouped with the other feedbacks this process records meanwhile: the
    /// row is never visible to another pass unclaimed.</summary>
    public Task<FeedbackRecording> RecordClaimedAsync(FeedbackSubmitted feedback, CancellationToken cancellationToken = default) =>
        RecordAsync(feedback, claimed: true, cancellationToken);

    /// <summary>Grouped INSERTs so far (for tests: fewer than the feedbacks recorded when grouping works).</summary>
    public long ClaimedGroups => _claimedGroups?.Groups ?? 0;

    async Task<FeedbackRecording> RecordAsync(FeedbackSubmitted feedback, bool claimed, CancellationToken cancellationToken)
    {
        // Refused here, alone: an invalid feedback inside a group would fail every valid one with it.
        FeedbackRules.Validate(feedback);
        var recording = claimed
            ? await ClaimedGroupCommit().WriteAsync(feedback, cancellationToken)
            : (await InsertAsync([feedback], claimed: false, cancellationToken))[0];
        return recording ?? throw new FeedbackConflictException(feedback.FeedbackId);
    }

    GroupCommit<FeedbackSubmitted, FeedbackRecording?> ClaimedGroupCommit()
    {
        lock (_startingGroups)
        {
            // A group that fails for one row's data (a PostgreSQL data or constraint error) is recorded again row by
            // row (SQLSTATE classes 22 and 23), so only that feedback's caller fails; a failure of the server fails the group.
            return _claimedGroups ??= new GroupCommit<FeedbackSubmitted, FeedbackRecording?>(
                group => InsertAsync(group, claimed: true, CancellationToken.None), MaxGroup,
                error => error is PostgresException { SqlState: var state } && (state.StartsWith("22", StringComparison.Ordinal) || state.StartsWith("23", StringComparison.Ordinal)));
        }
    }

    /// <summary>
    /// Records <paramref name="feedbacks"/> in one statement: for each, <see cref="FeedbackRecording.Recorded"/>, or
    /// <see cref="FeedbackRecording.AlreadyRecorded"/> when its id is stored with the same content, or null when its id
    /// is stored with other content (a conflict).
    /// </summary>
    async Task<IReadOnlyList<FeedbackRecording?>> InsertAsync(IReadOnlyList<FeedbackSubmitted> feedbacks, bool claimed, CancellationToken cancellationToken)
    {
        // A feedback listed twice goes in once, at its first place; the later places compare with what was stored.
        var firsts = feedbacks.DistinctBy(f => f.FeedbackId).ToList();
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var insert = new NpgsqlCommand($"""
            INSERT INTO feedback ({PostgresLineageColumns.Names}, fingerprint, recorded_at, claimed_until)
            SELECT {PostgresLineageArrays.Columns}, fp.fingerprint, @recorded_at, {(claimed ? "now() + @claim" : "NULL")}
            FROM {PostgresLineageArrays.Rows}
            JOIN unnest(@fingerprints) WITH ORDINALITY AS fp(fingerprint, ord) ON fp.ord = f.ord
            ORDER BY f.ord
            ON CONFLICT (feedback_id) DO NOTHING
            RETURNING feedback_id
            """, connection);
        PostgresLineageArrays.Bind(insert, firsts);
        insert.Parameters.Add(new NpgsqlParameter("fingerprints", NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            Value = firsts.Select(FeedbackFingerprint.Of).ToArray(),
        });
        insert.Parameters.AddWithValue("recorded_at", _clock.GetUtcNow().ToUniversalTime());
        if (claimed) insert.Parameters.AddWithValue("claim", _claim);
        var inserted = new HashSet<Guid>();
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) inserted.Add(reader.GetGuid(0));
        }

        var recordings = new FeedbackRecording?[feedbacks.Count];
        var written = new HashSet<Guid>();
        var compare = new List<int>();
        for (var i = 0; i < feedbacks.Count; i++)
        {
            if (inserted.Contains(feedbacks[i].FeedbackId) && written.Add(feedbacks[i].FeedbackId)) recordings[i] = FeedbackRecording.Recorded;
            else compare.Add(i);
        }
        if (compare.Count == 0) return recordings;

        // The rows that won are committed: ON CONFLICT waited for them.
        await using var existing = new NpgsqlCommand("SELECT feedback_id, fingerprint FROM feedback WHERE feedback_id = ANY(@ids)", connection);
        existing.Parameters.AddWithValue("ids", compare.Select(i => feedbacks[i].FeedbackId).Distinct().ToArray());
        var stored = new Dictionary<Guid, string>();
        await using (var reader = await existing.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) stored[reader.GetGuid(0)] = reader.GetString(1);
        }
        foreach (var i in compare)
        {
            var same = stored.TryGetValue(feedbacks[i].FeedbackId, out var fingerprint) && fingerprint == FeedbackFingerprint.Of(feedbacks[i]);
            recordings[i] = same ? FeedbackRecording.AlreadyRecorded : null;
        }
        return recordings;
    }

    public async ValueTask DisposeAsync()
    {
        GroupCommit<FeedbackSubmitted, FeedbackRecording?>? groups;
        lock (_startingGroups) groups = _claimedGroups;
        if (groups is not null) await groups.DisposeAsync();
    }

    /// <summary>Pending rows not claimed by another pass, claimed now for this caller.</summary>
    public async Task<IReadOnlyList<StoredFeedback>> ReadPendingAsync(long afterSequence, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        // SKIP LOCKED: rows another process is claiming in this instant are left to it, not waited for.
        await using var claim = new NpgsqlCommand($"""
            WITH claimed AS (
                SELECT sequence AS claimed_sequence FROM feedback
                WHERE published_at IS NULL AND sequence > @after AND (claimed_until IS NULL OR claimed_until <= now())
                ORDER BY sequence LIMIT @max
                FOR UPDATE SKIP LOCKED)
            UPDATE feedback SET claimed_until = now() + @claim FROM claimed WHERE sequence = claimed.claimed_sequence
            RETURNING {StateColumns}, {PostgresLineageColumns.Selected}
            """, connection);
        claim.Parameters.AddWithValue("after", afterSequence);
        claim.Parameters.AddWithValue("max", max);
        claim.Parameters.AddWithValue("claim", _claim);
        return [.. (await ReadAllAsync(claim, cancellationToken)).OrderBy(stored => stored.Sequence)];
    }

    public Task MarkPublishedAsync(IReadOnlyCollection<Guid> feedbackIds, DateTimeOffset publishedAt, CancellationToken cancellationToken = default) =>
        UpdateAllAsync(feedbackIds, """
            UPDATE feedback SET published_at = @value, publish_attempts = publish_attempts + 1, last_publish_error = NULL
            WHERE feedback_id = ANY(@ids) AND published_at IS NULL
            """, new NpgsqlParameter("value", NpgsqlDbType.TimestampTz) { Value = PostgresTime.Stored(publishedAt) }, cancellationToken);

    public Task ReleaseAsync(IReadOnlyCollection<Guid> feedbackIds, CancellationToken cancellationToken = default) =>
        UpdateAllAsync(feedbackIds, "UPDATE feedback SET claimed_until = NULL WHERE feedback_id = ANY(@ids) AND published_at IS NULL",
            null, cancellationToken);

    public Task MarkPublishFailedAsync(IReadOnlyCollection<Guid> feedbackIds, string reason, CancellationToken cancellationToken = default) =>
        UpdateAllAsync(feedbackIds, """
            UPDATE feedback SET publish_attempts = publish_attempts + 1, last_publish_error = @value, claimed_until = NULL
            WHERE feedback_id = ANY(@ids) AND published_at IS NULL
            """, new NpgsqlParameter("value", NpgsqlDbType.Text) { Value = reason }, cancellationToken);

    public async Task<StoredFeedback?> FindAsync(Guid feedbackId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var select = new NpgsqlCommand(
            $"SELECT {StateColumns}, {PostgresLineageColumns.Selected} FROM feedback WHERE feedback_id = @feedback_id", connection);
        select.Parameters.AddWithValue("feedback_id", feedbackId);
        var found = await ReadAllAsync(select, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<long> CountPendingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM feedback WHERE published_at IS NULL", connection);
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    // One statement for the whole batch: it applies to all the ids or to none.
    async Task UpdateAllAsync(IReadOnlyCollection<Guid> feedbackIds, string sql, NpgsqlParameter? value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feedbackIds);
        if (feedbackIds.Count == 0) return;
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var update = new NpgsqlCommand(sql, connection);
        if (value is not null) update.Parameters.Add(value);
        update.Parameters.AddWithValue("ids", feedbackIds.ToArray());
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    static async Task<IReadOnlyList<StoredFeedback>> ReadAllAsync(NpgsqlCommand select, CancellationToken cancellationToken)
    {
        var rows = new List<StoredFeedback>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StoredFeedback(
                Feedback: PostgresLineageColumns.Read(reader, 5),
                Sequence: reader.GetInt64(0),
                RecordedAt: PostgresTime.Read(reader, 1),
                PublishedAt: reader.IsDBNull(2) ? null : PostgresTime.Read(reader, 2),
                PublishAttempts: reader.GetInt32(3),
                LastPublishError: reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return rows;
    }
}
