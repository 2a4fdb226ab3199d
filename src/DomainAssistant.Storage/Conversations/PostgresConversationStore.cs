using System.Text.Json;
using DomainAssistant.Storage.PostgreSql;
using Npgsql;
using NpgsqlTypes;

namespace DomainAssistant.Storage.Conversations;

/// <summary><see cref="IConversationStore"/> in the scale-out mode's shared PostgreSQL database.</summary>
public sealed class PostgresConversationStore(PostgresDatabase database, TimeProvider? clock = null) : IConversationStore
{
    /// <summary>The tables, as <see cref="SqliteConversationStore"/> keeps them, with native ids, times and JSON.</summary>
    public static ComponentSchema Schema { get; } = new("conversations", new SchemaMigration(1, "conversations and messages", """
        CREATE TABLE conversations (
            id UUID PRIMARY KEY,
            domain TEXT NOT NULL,
            user_id TEXT,
            created_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE messages (
            sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id UUID NOT NULL UNIQUE,
            conversation_id UUID NOT NULL REFERENCES conversations (id),
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            prompt TEXT,
            retrieved_chunk_ids JSONB,
            citations JSONB,
            model TEXT,
            adapter TEXT,
            adapter_checksum TEXT,
            variant TEXT,
            finish_reason TEXT,
            created_at TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX messages_by_conversation ON messages (conversation_id, sequence);
        """));

    const string AssistantColumns = """
        m.id, m.conversation_id, c.domain, m.content, m.prompt, m.retrieved_chunk_ids::text, m.citations::text, m.model,
        m.adapter, m.adapter_checksum, m.variant, m.finish_reason, m.created_at
        """;

    readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<Conversation> StartAsync(string domain, string? userId, CancellationToken cancellationToken = default)
    {
        var conversation = new Conversation(Guid.NewGuid(), domain, userId, PostgresTime.Stored(_clock.GetUtcNow()));
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var insert = new NpgsqlCommand("INSERT INTO conversations (id, domain, user_id, created_at) VALUES (@id, @domain, @user, @at)", connection);
        insert.Parameters.AddWithValue("id", conversation.Id);
        insert.Parameters.AddWithValue("domain", domain);
        insert.Parameters.Add(new NpgsqlParameter("user", NpgsqlDbType.Text) { Value = (object?)userId ?? DBNull.Value });
        insert.Parameters.AddWithValue("at", conversation.CreatedAt);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return conversation;
    }

    public async Task<Conversation?> FindAsync(Guid conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var select = new NpgsqlCommand("SELECT domain, user_id, created_at FROM conversations WHERE id = @id", connection);
        select.Parameters.AddWithValue("id", conversationId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new Conversation(conversationId, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), PostgresTime.Read(reader, 2));
    }

    public async Task<IReadOnlyList<ConversationMessage>> ReadMessagesAsync(Guid conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var select = new NpgsqlCommand("SELECT id, role, content, created_at FROM messages WHERE conversation_id = @id ORDER BY sequence", connection);
        select.Parameters.AddWithValue("id", conversationId);
        var messages = new List<ConversationMessage>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            messages.Add(new ConversationMessage(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), PostgresTime.Read(reader, 3)));
        return messages;
    }

    public async Task<Guid> AddUserMessageAsync(Guid conversationId, string content, CancellationToken cancellationToken = default)
    {
        var id = Guid.NewGuid();
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var insert = new NpgsqlCommand(
            "INSERT INTO messages (id, conversation_id, role, content, created_at) VALUES (@id, @conversation, 'user', @content, @at)", connection);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("conversation", conversationId);
        insert.Parameters.AddWithValue("content", content);
        insert.Parameters.AddWithValue("at", _clock.GetUtcNow().ToUniversalTime());
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }

    public async Task AddAssistantMessageAsync(AssistantMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO messages (id, conversation_id, role, content, prompt, retrieved_chunk_ids, citations, model, adapter,
                                  adapter_checksum, variant, finish_reason, created_at)
            VALUES (@id, @conversation, 'assistant', @content, @prompt, @chunks, @citations, @model, @adapter,
                    @checksum, @variant, @finish, @at)
            """, connection);
        insert.Parameters.AddWithValue("id", message.Id);
        insert.Parameters.AddWithValue("conversation", message.ConversationId);
        insert.Parameters.AddWithValue("content", message.Content);
        insert.Parameters.AddWithValue("prompt", message.Prompt);
        insert.Parameters.Add(new NpgsqlParameter("chunks", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(message.RetrievedChunkIds) });
        insert.Parameters.Add(new NpgsqlParameter("citations", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(message.Citations) });
        insert.Parameters.AddWithValue("model", message.Model);
        insert.Parameters.Add(new NpgsqlParameter("adapter", NpgsqlDbType.Text) { Value = (object?)message.Adapter ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter("checksum", NpgsqlDbType.Text) { Value = (object?)message.AdapterChecksum ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter("variant", NpgsqlDbType.Text) { Value = (object?)message.Variant ?? DBNull.Value });
        insert.Parameters.AddWithValue("finish", message.FinishReason);
        insert.Parameters.AddWithValue("at", message.CreatedAt.ToUniversalTime());
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<AssistantMessage?> FindAssistantMessageAsync(Guid messageId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var select = new NpgsqlCommand($"""
            SELECT {AssistantColumns} FROM messages m JOIN conversations c ON c.id = m.conversation_id
            WHERE m.id = @id AND m.role = 'assistant'
            """, connection);
        select.Parameters.AddWithValue("id", messageId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new AssistantMessage
        {
            Id = reader.GetGuid(0),
            ConversationId = reader.GetGuid(1),
            Domain = reader.GetString(2),
            Content = reader.GetString(3),
            Prompt = reader.GetString(4),
            RetrievedChunkIds = JsonSerializer.Deserialize<List<string>>(reader.GetString(5)) ?? [],
            Citations = JsonSerializer.Deserialize<List<CitationRecord>>(reader.GetString(6)) ?? [],
            Model = reader.GetString(7),
            Adapter = reader.IsDBNull(8) ? null : reader.GetString(8),
            AdapterChecksum = reader.IsDBNull(9) ? null : reader.GetString(9),
            Variant = reader.IsDBNull(10) ? null : reader.GetString(10),
            FinishReason = reader.GetString(11),
            CreatedAt = PostgresTime.Read(reader, 12),
        };
    }
}
