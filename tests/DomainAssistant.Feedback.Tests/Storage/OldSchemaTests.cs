using System.Security.Cryptography;
using System.Text.Json;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.Feedback.Recording;
using DomainAssistant.Feedback.Tests.Support;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Feedback.Tests.Storage;

/// <summary>
/// feedback.db and training-examples.db written before feedback carried a user and cited chunk ids (issue 16): they
/// must open with their rows intact, gain the new columns, and take new feedback with both fields.
/// </summary>
public sealed class OldSchemaTests : IDisposable
{
    // The lineage columns exactly as the first release created them, before user_id and cited_chunk_ids.
    const string OldLineage = """
        message_id TEXT NOT NULL,
        rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
        reason TEXT,
        tags TEXT NOT NULL,
        prompt TEXT NOT NULL,
        retrieved_chunk_ids TEXT NOT NULL,
        response TEXT NOT NULL,
        model TEXT NOT NULL,
        adapter TEXT,
        adapter_checksum TEXT,
        variant TEXT,
        domain TEXT NOT NULL,
        at TEXT NOT NULL
        """;

    const string OldFeedbackTable = $"""
        CREATE TABLE feedback (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            feedback_id TEXT NOT NULL UNIQUE,
            {OldLineage},
            fingerprint TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            published_at TEXT,
            publish_attempts INTEGER NOT NULL DEFAULT 0,
            last_publish_error TEXT
        );
        CREATE INDEX feedback_pending ON feedback (sequence) WHERE published_at IS NULL;
        """;

    const string OldInboxTable = $"""
        CREATE TABLE training_examples (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            feedback_id TEXT NOT NULL UNIQUE,
            {OldLineage},
            filed_at TEXT NOT NULL
        );
        """;

    const string OldColumns = "feedback_id, message_id, rating, reason, tags, prompt, retrieved_chunk_ids, response, model, adapter, adapter_checksum, variant, domain, at";

    /// <summary>The contract as it was: the same positional fields, so its JSON is what the old fingerprint hashed.</summary>
    sealed record OldFeedbackSubmitted(Guid FeedbackId, Guid MessageId, string Rating, string? Reason, IReadOnlyList<string> Tags, string Prompt, IReadOnlyList<string> RetrievedChunkIds, string Response, string Model, string? Adapter, string? AdapterChecksum, string? Variant, string Domain, DateTimeOffset At);

    readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task An_old_feedback_store_opens_with_its_rows_and_records_users_and_citations()
    {
        var path = _folder.File("feedback.db");
        var old = OldShaped(FeedbackSamples.Valid(7));
        WriteOldFile(path, OldFeedbackTable, "feedback", old, ", fingerprint, recorded_at", $", '{OldFingerprint(old)}', '2026-11-23T08:00:00.0000000+00:00'");

        var store = new SqliteFeedbackStore(path);
        var pending = await store.ReadPendingAsync(0, 10);

        var kept = Assert.Single(pending).Feedback;
        FeedbackSamples.AssertSame(old, kept);
        Assert.Null(kept.User);
        Assert.Empty(kept.CitedChunkIds);
        // A retry of the old feedback after the upgrade is still a retry, not a conflict: old fingerprints stay valid.
        Assert.Equal(FeedbackRecording.AlreadyRecorded, await store.RecordAsync(old));

        var fresh = FeedbackSamples.Valid(2);
        Assert.NotNull(fresh.User);
        Assert.NotEmpty(fresh.CitedChunkIds);
        Assert.Equal(FeedbackRecording.Recorded, await store.RecordAsync(fresh));
        FeedbackSamples.AssertSame(fresh, (await store.FindAsync(fresh.FeedbackId))!.Feedback);

        // A second process (a new store on the same file) finds the columns there and adds nothing.
        Assert.Equal(2, (await new SqliteFeedbackStore(path).ReadPendingAsync(0, 10)).Count);
    }

    [Fact]
    public async Task An_old_inbox_opens_with_its_rows_and_files_users_and_citations()
    {
        var path = _folder.File("training-examples.db");
        var old = OldShaped(FeedbackSamples.Valid(11));
        WriteOldFile(path, OldInboxTable, "training_examples", old, ", filed_at", ", '2026-11-23T08:00:00.0000000+00:00'");

        var inbox = new SqliteFeedbackInbox(path);
        var fresh = FeedbackSamples.Valid(2);
        Assert.True(await inbox.FileAsync(fresh));
        Assert.False(await inbox.FileAsync(old));

        var filed = await inbox.ReadAsync(0, 10);
        Assert.Equal(2, filed.Count);
        FeedbackSamples.AssertSame(old, filed[0].Feedback);
        Assert.Equal(1, filed[0].Sequence);
        FeedbackSamples.AssertSame(fresh, filed[1].Feedback);
        Assert.Equal(fresh.User, filed[1].Feedback.User);
        Assert.Equal(fresh.CitedChunkIds, filed[1].Feedback.CitedChunkIds);
    }

    [Fact]
    public void A_message_serialized_before_the_new_fields_deserializes_without_user_or_citations()
    {
        var old = FeedbackSamples.Valid(5);
        var json = JsonSerializer.Serialize(ToOld(old));

        var read = JsonSerializer.Deserialize<FeedbackSubmitted>(json)!;

        Assert.Null(read.User);
        Assert.Empty(read.CitedChunkIds);
        Assert.Equal(old.RetrievedChunkIds, read.RetrievedChunkIds);
        // An explicit null from a foreign producer reads as "no citations", not as a null list.
        var withNull = JsonSerializer.Deserialize<FeedbackSubmitted>(json.TrimEnd('}') + ",\"CitedChunkIds\":null}")!;
        Assert.Empty(withNull.CitedChunkIds);
    }

    static FeedbackSubmitted OldShaped(FeedbackSubmitted feedback) => feedback with { User = null, CitedChunkIds = [] };

    static OldFeedbackSubmitted ToOld(FeedbackSubmitted f) => new(f.FeedbackId, f.MessageId, f.Rating, f.Reason, f.Tags, f.Prompt,
        f.RetrievedChunkIds, f.Response, f.Model, f.Adapter, f.AdapterChecksum, f.Variant, f.Domain, f.At);

    // What the first release stored: SHA-256 of the old record's JSON with the time cleared.
    static string OldFingerprint(FeedbackSubmitted feedback) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(ToOld(feedback) with { At = default })));

    static void WriteOldFile(string path, string schema, string table, FeedbackSubmitted f, string extraColumns, string extraValues)
    {
        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = schema + $"""
                INSERT INTO {table} ({OldColumns}{extraColumns})
                VALUES ($feedback_id, $message_id, $rating, $reason, $tags, $prompt, $retrieved, $response, $model, $adapter, $checksum, $variant, $domain, $at{extraValues});
                """;
            command.Parameters.AddWithValue("$feedback_id", f.FeedbackId.ToString("D"));
            command.Parameters.AddWithValue("$message_id", f.MessageId.ToString("D"));
            command.Parameters.AddWithValue("$rating", f.Rating);
            command.Parameters.AddWithValue("$reason", (object?)f.Reason ?? DBNull.Value);
            command.Parameters.AddWithValue("$tags", JsonSerializer.Serialize(f.Tags));
            command.Parameters.AddWithValue("$prompt", f.Prompt);
            command.Parameters.AddWithValue("$retrieved", JsonSerializer.Serialize(f.RetrievedChunkIds));
            command.Parameters.AddWithValue("$response", f.Response);
            command.Parameters.AddWithValue("$model", f.Model);
            command.Parameters.AddWithValue("$adapter", (object?)f.Adapter ?? DBNull.Value);
            command.Parameters.AddWithValue("$checksum", (object?)f.AdapterChecksum ?? DBNull.Value);
            command.Parameters.AddWithValue("$variant", (object?)f.Variant ?? DBNull.Value);
            command.Parameters.AddWithValue("$domain", f.Domain);
            command.Parameters.AddWithValue("$at", f.At.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            command.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
    }
}
