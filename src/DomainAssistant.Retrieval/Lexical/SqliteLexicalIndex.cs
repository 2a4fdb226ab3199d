using System.Globalization;
using System.Text.Json;
using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Ranking;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Retrieval.Lexical;

/// <summary>
/// The lexical index and chunk catalog in one SQLite file: chunks with their text and provenance, documents with
/// their indexed version, and an FTS5 index ranked with its built-in BM25 (<c>bm25()</c>, k1 = 1.2, b = 0.75).
/// Safe to share between threads: every call opens its own (pooled) connection; WAL lets reads run beside a write.
/// </summary>
public sealed class SqliteLexicalIndex : ILexicalIndex, IChunkCatalog
{
    /// <summary>BM25 column weights (title, text): a title match counts as much as a body match.</summary>
    const string Bm25 = "bm25(chunks_fts, 1.0, 1.0)";

    readonly string _connectionString;

    /// <summary>Opens (creating when absent) the index file and its tables.</summary>
    /// <exception cref="InvalidDataException">The file is not an SQLite database, or one from a newer schema.</exception>
    public SqliteLexicalIndex(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        CreateSchema();
    }

    /// <summary>The SQLite file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public async Task UpsertDocumentAsync(SourceDocument document, IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(chunks);
        foreach (var chunk in chunks)
            if (chunk.DocumentId != document.Id || chunk.Domain != document.Domain)
                throw new ArgumentException(
                    $"Chunk {chunk.Id} belongs to '{chunk.Domain}/{chunk.DocumentId}', not to '{document.Domain}/{document.Id}'.", nameof(chunks));

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await DeleteChunksAsync(connection, document.Domain, document.Id, cancellationToken);
        await InsertChunksAsync(connection, chunks, cancellationToken);
        await using (var upsert = connection.CreateCommand())
        {
            upsert.CommandText = """
                INSERT INTO documents (domain, document_id, version, title, path, indexed_at)
                VALUES ($domain, $id, $version, $title, $path, $at)
                ON CONFLICT (domain, document_id) DO UPDATE SET
                    version = excluded.version, title = excluded.title, path = excluded.path, indexed_at = excluded.indexed_at
                """;
            upsert.Parameters.AddWithValue("$domain", document.Domain);
            upsert.Parameters.AddWithValue("$id", document.Id);
            upsert.Parameters.AddWithValue("$version", document.Version);
            upsert.Parameters.AddWithValue("$title", document.Title);
            upsert.Parameters.AddWithValue("$path", document.Path);
            upsert.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteDocumentAsync(string domain, string documentId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await DeleteChunksAsync(connection, domain, documentId, cancellationToken);
        await using (var delete = connection.CreateCommand())
        {
            delete.CommandText = "DELETE FROM documents WHERE domain = $domain AND document_id = $id";
            delete.Parameters.AddWithValue("$domain", domain);
            delete.Parameters.AddWithValue("$id", documentId);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChunkScore>> SearchAsync(string query, string domain, int k, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (Fts5Query.FromUserText(query) is not { } match) return [];
        await using var connection = await OpenAsync(cancellationToken);
        await using var search = connection.CreateCommand();
        // bm25() is lower for better matches; it is negated so every ranked list here reads "higher is better".
        search.CommandText = $"""
            SELECT c.chunk_id, -{Bm25} AS score
            FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
            WHERE chunks_fts MATCH $match AND c.domain = $domain
            ORDER BY {Bm25}, c.id
            LIMIT $k
            """;
        search.Parameters.AddWithValue("$match", match);
        search.Parameters.AddWithValue("$domain", domain);
        search.Parameters.AddWithValue("$k", k);
        var results = new List<ChunkScore>();
        await using var reader = await search.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            results.Add(new ChunkScore(reader.GetString(0), reader.GetDouble(1)));
        return results;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, Chunk>> GetChunksAsync(IEnumerable<string> chunkIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunkIds);
        var ids = chunkIds.Distinct(StringComparer.Ordinal).ToArray();
        var chunks = new Dictionary<string, Chunk>(StringComparer.Ordinal);
        if (ids.Length == 0) return chunks;
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        // One JSON array parameter instead of one parameter per id: no limit on how many ids.
        select.CommandText = $"SELECT {SqliteLexicalSchema.ChunkColumns} FROM chunks WHERE chunk_id IN (SELECT value FROM json_each($ids))";
        select.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(ids));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var chunk = ReadChunk(reader);
            chunks[chunk.Id] = chunk;
        }
        return chunks;
    }

    /// <inheritdoc />
    public async Task<string?> GetDocumentVersionAsync(string domain, string documentId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT version FROM documents WHERE domain = $domain AND document_id = $id";
        select.Parameters.AddWithValue("$domain", domain);
        select.Parameters.AddWithValue("$id", documentId);
        return await select.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListDocumentsAsync(string domain, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT document_id FROM documents WHERE domain = $domain ORDER BY document_id";
        select.Parameters.AddWithValue("$domain", domain);
        var ids = new List<string>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetString(0));
        return ids;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Chunk>> GetDocumentChunksAsync(string domain, string documentId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {SqliteLexicalSchema.ChunkColumns} FROM chunks WHERE domain = $domain AND document_id = $id ORDER BY ordinal";
        select.Parameters.AddWithValue("$domain", domain);
        select.Parameters.AddWithValue("$id", documentId);
        var chunks = new List<Chunk>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) chunks.Add(ReadChunk(reader));
        return chunks;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListDomainsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT DISTINCT domain FROM documents ORDER BY domain";
        var domains = new List<string>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) domains.Add(reader.GetString(0));
        return domains;
    }

    /// <inheritdoc />
    public async Task<EmbeddingSpace?> GetEmbeddingSpaceAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT value FROM index_settings WHERE name = '{EmbeddingSpaceSetting}'";
        if (await select.ExecuteScalarAsync(cancellationToken) is not string json) return null;
        try
        {
            return JsonSerializer.Deserialize<EmbeddingSpace>(json) is { ModelId.Length: > 0, Dimensions: > 0 } space
                ? space
                : throw new InvalidDataException($"Lexical index '{DatabasePath}': the recorded embedding space {json} names no model or dimensions.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Lexical index '{DatabasePath}': the recorded embedding space is not valid JSON ({e.Message}).", e);
        }
    }

    /// <inheritdoc />
    public async Task SetEmbeddingSpaceAsync(EmbeddingSpace space, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(space);
        await using var connection = await OpenAsync(cancellationToken);
        await using var upsert = connection.CreateCommand();
        upsert.CommandText = $"INSERT INTO index_settings (name, value) VALUES ('{EmbeddingSpaceSetting}', $value) ON CONFLICT (name) DO UPDATE SET value = excluded.value";
        upsert.Parameters.AddWithValue("$value", JsonSerializer.Serialize(space));
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    const string EmbeddingSpaceSetting = "embedding_space";

    /// <inheritdoc />
    public async Task<long> CountChunksAsync(string? domain, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var count = connection.CreateCommand();
        count.CommandText = domain is null ? "SELECT count(*) FROM chunks" : "SELECT count(*) FROM chunks WHERE domain = $domain";
        if (domain is not null) count.Parameters.AddWithValue("$domain", domain);
        return Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    static async Task DeleteChunksAsync(SqliteConnection connection, string domain, string documentId, CancellationToken cancellationToken)
    {
        await using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM chunks WHERE domain = $domain AND document_id = $id";
        delete.Parameters.AddWithValue("$domain", domain);
        delete.Parameters.AddWithValue("$id", documentId);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    static async Task InsertChunksAsync(SqliteConnection connection, IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.CommandText = $"""
            INSERT INTO chunks ({SqliteLexicalSchema.ChunkColumns})
            VALUES ($chunk_id, $document_id, $domain, $ordinal, $text, $start, $end, $title, $source_path)
            """;
        string[] names = ["$chunk_id", "$document_id", "$domain", "$ordinal", "$text", "$start", "$end", "$title", "$source_path"];
        foreach (var name in names) insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        foreach (var chunk in chunks)
        {
            object[] values = [chunk.Id, chunk.DocumentId, chunk.Domain, chunk.Ordinal, chunk.Text, chunk.Start, chunk.End, chunk.Title, chunk.SourcePath];
            for (var i = 0; i < values.Length; i++) insert.Parameters[i].Value = values[i];
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    static Chunk ReadChunk(SqliteDataReader reader) => new(
        Id: reader.GetString(0),
        DocumentId: reader.GetString(1),
        Domain: reader.GetString(2),
        Ordinal: reader.GetInt32(3),
        Text: reader.GetString(4),
        Start: reader.GetInt32(5),
        End: reader.GetInt32(6),
        Title: reader.GetString(7),
        SourcePath: reader.GetString(8));

    async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    void CreateSchema()
    {
        try
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version";
            var version = Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (version > SqliteLexicalSchema.Version)
                throw new InvalidDataException(
                    $"Lexical index '{DatabasePath}' has schema version {version}; this build reads up to {SqliteLexicalSchema.Version}.");
            command.CommandText = $"PRAGMA journal_mode = WAL; {SqliteLexicalSchema.Create} PRAGMA user_version = {SqliteLexicalSchema.Version};";
            command.ExecuteNonQuery();
        }
        catch (SqliteException e)
        {
            throw new InvalidDataException($"Lexical index '{DatabasePath}' cannot be opened as an SQLite index: {e.Message}", e);
        }
    }
}
