using System.Globalization;
using System.Text.Json;
using DomainAssistant.Contracts;
using DomainAssistant.Storage;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Feedback.Storage;

/// <summary>
/// The columns that hold a <see cref="FeedbackSubmitted"/> with its whole lineage, shared by the local feedback
/// store and the training-examples inbox so both keep exactly the same record. Lists are JSON arrays; ids are
/// canonical GUID text; times are round-trip ISO 8601.
/// </summary>
internal static class LineageColumns
{
    /// <summary>Column definitions for CREATE TABLE (feedback_id is declared by each table, with its constraint).</summary>
    public const string Definitions = """
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
        at TEXT NOT NULL,
        user_id TEXT,
        cited_chunk_ids TEXT NOT NULL DEFAULT '[]'
        """;

    /// <summary>
    /// Columns added after the first release, with the definitions ALTER TABLE gives them on an older file. Each is
    /// nullable or has a default, so the rows already there stay valid (an unknown user, no citations).
    /// </summary>
    static readonly (string Name, string Definition)[] Added =
    [
        ("user_id", "user_id TEXT"),
        ("cited_chunk_ids", "cited_chunk_ids TEXT NOT NULL DEFAULT '[]'"),
    ];

    /// <summary>The column names in read/write order, feedback_id first.</summary>
    public const string Names =
        "feedback_id, message_id, rating, reason, tags, prompt, retrieved_chunk_ids, response, model, adapter, " +
        "adapter_checksum, variant, domain, at, user_id, cited_chunk_ids";

    /// <summary>The matching parameter names for INSERT ... VALUES.</summary>
    public const string Parameters =
        "$feedback_id, $message_id, $rating, $reason, $tags, $prompt, $retrieved_chunk_ids, $response, $model, " +
        "$adapter, $adapter_checksum, $variant, $domain, $at, $user_id, $cited_chunk_ids";

    /// <summary>How many columns <see cref="Names"/> lists.</summary>
    public const int Count = 16;

    public static void Bind(SqliteCommand command, FeedbackSubmitted feedback)
    {
        var p = command.Parameters;
        p.AddWithValue("$feedback_id", Text(feedback.FeedbackId));
        p.AddWithValue("$message_id", Text(feedback.MessageId));
        p.AddWithValue("$rating", feedback.Rating);
        p.AddWithValue("$reason", (object?)feedback.Reason ?? DBNull.Value);
        p.AddWithValue("$tags", JsonSerializer.Serialize(feedback.Tags));
        p.AddWithValue("$prompt", feedback.Prompt);
        p.AddWithValue("$retrieved_chunk_ids", JsonSerializer.Serialize(feedback.RetrievedChunkIds));
        p.AddWithValue("$response", feedback.Response);
        p.AddWithValue("$model", feedback.Model);
        p.AddWithValue("$adapter", (object?)feedback.Adapter ?? DBNull.Value);
        p.AddWithValue("$adapter_checksum", (object?)feedback.AdapterChecksum ?? DBNull.Value);
        p.AddWithValue("$variant", (object?)feedback.Variant ?? DBNull.Value);
        p.AddWithValue("$domain", feedback.Domain);
        p.AddWithValue("$at", Text(feedback.At));
        p.AddWithValue("$user_id", (object?)feedback.User ?? DBNull.Value);
        p.AddWithValue("$cited_chunk_ids", JsonSerializer.Serialize(feedback.CitedChunkIds));
    }

    /// <summary>Reads the <see cref="Count"/> columns that start at <paramref name="first"/>.</summary>
    public static FeedbackSubmitted Read(SqliteDataReader row, int first) => new(
        FeedbackId: Guid.Parse(row.GetString(first)),
        MessageId: Guid.Parse(row.GetString(first + 1)),
        Rating: row.GetString(first + 2),
        Reason: NullableText(row, first + 3),
        Tags: List(row.GetString(first + 4)),
        Prompt: row.GetString(first + 5),
        RetrievedChunkIds: List(row.GetString(first + 6)),
        Response: row.GetString(first + 7),
        Model: row.GetString(first + 8),
        Adapter: NullableText(row, first + 9),
        AdapterChecksum: NullableText(row, first + 10),
        Variant: NullableText(row, first + 11),
        Domain: row.GetString(first + 12),
        At: Time(row.GetString(first + 13)))
    {
        User = NullableText(row, first + 14),
        CitedChunkIds = List(row.GetString(first + 15)),
    };

    /// <summary>Adds the <see cref="Added"/> columns that <paramref name="table"/> lacks, so a file written by an older release opens with its rows intact.</summary>
    public static void AddMissing(SqliteConnection connection, string table) => SqliteColumns.AddMissing(connection, table, Added);

    public static string Text(Guid id) => id.ToString("D");

    public static string Text(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset Time(string text) =>
        DateTimeOffset.ParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    static string? NullableText(SqliteDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

    static string[] List(string json) => JsonSerializer.Deserialize<string[]>(json) ?? [];
}
