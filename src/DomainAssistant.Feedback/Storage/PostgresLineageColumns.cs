using System.Text.Json;
using DomainAssistant.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace DomainAssistant.Feedback.Storage;

/// <summary>
/// <see cref="LineageColumns"/> for PostgreSQL: the same record with native ids, JSON lists and times. The time a
/// feedback was given keeps its offset beside it (<c>at_offset_minutes</c>), so a feedback reads back as submitted
/// on both engines.
/// </summary>
internal static class PostgresLineageColumns
{
    /// <summary>Column definitions for CREATE TABLE (feedback_id is declared by each table, with its constraint).</summary>
    public const string Definitions = """
        message_id UUID NOT NULL,
        rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
        reason TEXT,
        tags JSONB NOT NULL,
        prompt TEXT NOT NULL,
        retrieved_chunk_ids JSONB NOT NULL,
        response TEXT NOT NULL,
        model TEXT NOT NULL,
        adapter TEXT,
        adapter_checksum TEXT,
        variant TEXT,
        domain TEXT NOT NULL,
        at TIMESTAMPTZ NOT NULL,
        at_offset_minutes INTEGER NOT NULL,
        user_id TEXT,
        cited_chunk_ids JSONB NOT NULL
        """;

    /// <summary>The column names to write, feedback_id first.</summary>
    public const string Names =
        "feedback_id, message_id, rating, reason, tags, prompt, retrieved_chunk_ids, response, model, adapter, " +
        "adapter_checksum, variant, domain, at, at_offset_minutes, user_id, cited_chunk_ids";

    /// <summary>The matching parameter names for INSERT ... VALUES.</summary>
    public const string Parameters =
        "@feedback_id, @message_id, @rating, @reason, @tags, @prompt, @retrieved_chunk_ids, @response, @model, " +
        "@adapter, @adapter_checksum, @variant, @domain, @at, @at_offset_minutes, @user_id, @cited_chunk_ids";

    /// <summary>The columns <see cref="Read"/> takes, in its order (the JSON lists as text). Prefix with a table alias as needed.</summary>
    public const string Selected =
        "feedback_id, message_id, rating, reason, tags::text, prompt, retrieved_chunk_ids::text, response, model, adapter, " +
        "adapter_checksum, variant, domain, at, at_offset_minutes, user_id, cited_chunk_ids::text";

    public static void Bind(NpgsqlCommand command, FeedbackSubmitted feedback)
    {
        var p = command.Parameters;
        p.AddWithValue("feedback_id", feedback.FeedbackId);
        p.AddWithValue("message_id", feedback.MessageId);
        p.AddWithValue("rating", feedback.Rating);
        p.Add(Text("reason", feedback.Reason));
        p.Add(Json("tags", feedback.Tags));
        p.AddWithValue("prompt", feedback.Prompt);
        p.Add(Json("retrieved_chunk_ids", feedback.RetrievedChunkIds));
        p.AddWithValue("response", feedback.Response);
        p.AddWithValue("model", feedback.Model);
        p.Add(Text("adapter", feedback.Adapter));
        p.Add(Text("adapter_checksum", feedback.AdapterChecksum));
        p.Add(Text("variant", feedback.Variant));
        p.AddWithValue("domain", feedback.Domain);
        p.AddWithValue("at", feedback.At.ToUniversalTime());
        p.AddWithValue("at_offset_minutes", (int)feedback.At.Offset.TotalMinutes);
        p.Add(Text("user_id", feedback.User));
        p.Add(Json("cited_chunk_ids", feedback.CitedChunkIds));
    }

    /// <summary>Reads the <see cref="Selected"/> columns that start at <paramref name="first"/>.</summary>
    public static FeedbackSubmitted Read(NpgsqlDataReader row, int first) => new(
        FeedbackId: row.GetGuid(first),
        MessageId: row.GetGuid(first + 1),
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
        At: DomainAssistant.Storage.PostgreSql.PostgresTime.Read(row, first + 13).ToOffset(TimeSpan.FromMinutes(row.GetInt32(first + 14))))
    {
        User = NullableText(row, first + 15),
        CitedChunkIds = List(row.GetString(first + 16)),
    };

    static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    static NpgsqlParameter Json(string name, IReadOnlyList<string> values) => new(name, NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(values) };

    static string? NullableText(NpgsqlDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

    static string[] List(string json) => JsonSerializer.Deserialize<string[]>(json) ?? [];
}
