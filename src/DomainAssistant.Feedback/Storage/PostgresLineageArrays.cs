using System.Text.Json;
using DomainAssistant.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace DomainAssistant.Feedback.Storage;

/// <summary>
/// <see cref="PostgresLineageColumns"/> of many feedbacks at once: one array parameter per column, unnested into rows by
/// one statement, so a group of any size costs one round trip instead of one per feedback.
/// </summary>
internal static class PostgresLineageArrays
{
    /// <summary>
    /// The rows, as a FROM item aliased <c>f</c> with <see cref="PostgresLineageColumns.Names"/> and <c>ord</c> (the
    /// position in the list, from 1): select <see cref="Columns"/> from it, ordered by <c>ord</c> to keep the list's order.
    /// </summary>
    public const string Rows = $"""
        unnest(@feedback_id, @message_id, @rating, @reason, @tags, @prompt, @retrieved_chunk_ids, @response, @model, @adapter,
               @adapter_checksum, @variant, @domain, @at, @at_offset_minutes, @user_id, @cited_chunk_ids)
            WITH ORDINALITY AS f({PostgresLineageColumns.Names}, ord)
        """;

    /// <summary><see cref="PostgresLineageColumns.Names"/> of <see cref="Rows"/>, the JSON lists (sent as text) cast to their column type.</summary>
    public const string Columns =
        "f.feedback_id, f.message_id, f.rating, f.reason, f.tags::jsonb, f.prompt, f.retrieved_chunk_ids::jsonb, f.response, f.model, " +
        "f.adapter, f.adapter_checksum, f.variant, f.domain, f.at, f.at_offset_minutes, f.user_id, f.cited_chunk_ids::jsonb";

    public static void Bind(NpgsqlCommand command, IReadOnlyList<FeedbackSubmitted> feedbacks)
    {
        var p = command.Parameters;
        p.Add(Array("feedback_id", NpgsqlDbType.Uuid, feedbacks.Select(f => f.FeedbackId)));
        p.Add(Array("message_id", NpgsqlDbType.Uuid, feedbacks.Select(f => f.MessageId)));
        p.Add(Array("rating", NpgsqlDbType.Text, feedbacks.Select(f => f.Rating)));
        p.Add(Array("reason", NpgsqlDbType.Text, feedbacks.Select(f => f.Reason)));
        p.Add(Array("tags", NpgsqlDbType.Text, feedbacks.Select(f => JsonSerializer.Serialize(f.Tags))));
        p.Add(Array("prompt", NpgsqlDbType.Text, feedbacks.Select(f => f.Prompt)));
        p.Add(Array("retrieved_chunk_ids", NpgsqlDbType.Text, feedbacks.Select(f => JsonSerializer.Serialize(f.RetrievedChunkIds))));
        p.Add(Array("response", NpgsqlDbType.Text, feedbacks.Select(f => f.Response)));
        p.Add(Array("model", NpgsqlDbType.Text, feedbacks.Select(f => f.Model)));
        p.Add(Array("adapter", NpgsqlDbType.Text, feedbacks.Select(f => f.Adapter)));
        p.Add(Array("adapter_checksum", NpgsqlDbType.Text, feedbacks.Select(f => f.AdapterChecksum)));
        p.Add(Array("variant", NpgsqlDbType.Text, feedbacks.Select(f => f.Variant)));
        p.Add(Array("domain", NpgsqlDbType.Text, feedbacks.Select(f => f.Domain)));
        p.Add(Array("at", NpgsqlDbType.TimestampTz, feedbacks.Select(f => f.At.ToUniversalTime())));
        p.Add(Array("at_offset_minutes", NpgsqlDbType.Integer, feedbacks.Select(f => (int)f.At.Offset.TotalMinutes)));
        p.Add(Array("user_id", NpgsqlDbType.Text, feedbacks.Select(f => f.User)));
        p.Add(Array("cited_chunk_ids", NpgsqlDbType.Text, feedbacks.Select(f => JsonSerializer.Serialize(f.CitedChunkIds))));
    }

    static NpgsqlParameter Array<T>(string name, NpgsqlDbType element, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | element) { Value = values.ToArray() };
}
