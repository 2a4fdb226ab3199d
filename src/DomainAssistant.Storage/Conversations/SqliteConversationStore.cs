using System.Globalization;
using System.Text.Json;
using DomainAssistant.Storage;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Storage.Conversations;

/// <summary><see cref="IConversationStore"/> on a SQLite file (tables <c>conversations</c> and <c>messages</c>).</summary>
public sealed class SqliteConversationStore(string databasePath, TimeProvider? clock = null) : IConversationStore
{
    const string Schema = """
        CREATE TABLE IF NOT EXISTS conversations (
            id TEXT PRIMARY KEY,
            domain TEXT NOT NULL,
            user_id TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS messages (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            conversation_id TEXT NOT NULL REFERENCES conversations (id),
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            prompt TEXT,
            retrieved_chunk_ids TEXT,
            citations TEXT,
            model TEXT,
            adapter TEXT,
            adapter_checksum TEXT,
            variant TEXT,
            finish_reason TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (conversation_id, sequence);
        """;

    const string AssistantColumns = """
        m.id, m.conversation_id, c.domain, m.content, m.prompt, m.retrieved_chunk_ids, m.citations, m.model,
        m.adapter, m.adapter_checksum, m.variant, m.finish_reason, m.created_at
        """;

    readonly SqliteFile _database = new(databasePath, Schema);
    readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>The absolute path of the database file.</summary>
    public string DatabasePath => _database.Path;

    public async Task<Conversation> StartAsync(string domain, string? userId, CancellationToken cancellationToken = default)
    {
        var conversation = new Conversation(Guid.NewGuid(), domain, userId, _clock.GetUtcNow());
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO conversations (id, domain, user_id, created_at) VALUES ($id, $domain, $user, $at)";
        insert.Parameters.AddWithValue("$id", Text(conversation.Id));
        insert.Parameters.AddWithValue("$domain", domain);
        insert.Parameters.AddWithValue("$user", (object?)userId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$at", Text(conversation.CreatedAt));
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return conversation;
    }

    public async Task<Conversation?> FindAsync(Guid conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT domain, user_id, created_at FROM conversations WHERE id = $id";
        select.Parameters.AddWithValue("$id", Text(conversationId));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new Conversation(conversationId, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), Time(reader.GetString(2)));
    }

    public async Task<IReadOnlyList<ConversationMessage>> ReadMessagesAsync(Guid conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT id, role, content, created_at FROM messages WHERE conversation_id = $id ORDER BY sequence";
        select.Parameters.AddWithValue("$id", Text(conversationId));
        var messages = new List<ConversationMessage>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            messages.Add(new ConversationMessage(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), Time(reader.GetString(3))));
        return messages;
    }

    public async Task<Guid> AddUserMessageAsync(Guid conversationId, string content, CancellationToken cancellationToken = default)
    {
        var id = Guid.NewGuid();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO messages (id, conversation_id, role, content, created_at) VALUES ($id, $conversation, 'user', $content, $at)";
        insert.Parameters.AddWithValue("$id", Text(id));
        insert.Parameters.AddWithValue("$conversation", Text(conversationId));
        insert.Parameters.AddWithValue("$content", content);
        insert.Parameters.AddWithValue("$at", Text(_clock.GetUtcNow()));
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }

    public async Task AddAssistantMessageAsync(AssistantMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO messages (id, conversation_id, role, content, prompt, retrieved_chunk_ids, citations, model, adapter,
                                  adapter_checksum, variant, finish_reason, created_at)
            VALUES ($id, $conversation, 'assistant', $content, $prompt, $chunks, $citations, $model, $adapter,
                    $checksum, $variant, $finish, $at)
            """;
        insert.Parameters.AddWithValue("$id", Text(message.Id));
        insert.Parameters.AddWithValue("$conversation", Text(message.ConversationId));
        insert.Parameters.AddWithValue("$content", message.Content);
        insert.Parameters.AddWithValue("$prompt", message.Prompt);
        insert.Parameters.AddWithValue("$chunks", JsonSerializer.Serialize(message.RetrievedChunkIds));
        insert.Parameters.AddWithValue("$citations", JsonSerializer.Serialize(message.Citations));
        insert.Parameters.AddWithValue("$model", message.Model);
        insert.Parameters.AddWithValue("$adapter", (object?)message.Adapter ?? DBNull.Value);
        insert.Parameters.AddWithValue("$checksum", (object?)message.AdapterChecksum ?? DBNull.Value);
        insert.Parameters.AddWithValue("$variant", (object?)message.Variant ?? DBNull.Value);
        insert.Parameters.AddWithValue("$finish", message.FinishReason);
        insert.Parameters.AddWithValue("$at", Text(message.CreatedAt));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<AssistantMessage?> FindAssistantMessageAsync(Guid messageId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = $"""
            SELECT {AssistantColumns} FROM messages m JOIN conversations c ON c.id = m.conversation_id
            WHERE m.id = $id AND m.role = 'assistant'
            """;
        select.Parameters.AddWithValue("$id", Text(messageId));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadAssistant(reader) : null;
    }

    static AssistantMessage ReadAssistant(SqliteDataReader reader) => new()
    {
        Id = Guid.Parse(reader.GetString(0)),
        ConversationId = Guid.Parse(reader.GetString(1)),
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
        CreatedAt = Time(reader.GetString(12)),
    };

    static string Text(Guid id) => id.ToString("D");

    static string Text(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
