namespace DomainAssistant.Retrieval.Lexical;

/// <summary>
/// The tables of the lexical index. Chunk text is stored once, in <c>chunks</c>; <c>chunks_fts</c> is an FTS5
/// external-content index over it, kept in step by triggers (the pattern the FTS5 documentation gives).
/// <c>index_settings</c> holds name/value facts about the whole index (the embedding space of its vectors); it was
/// added without a version change because CREATE IF NOT EXISTS adds it to older files.
/// </summary>
static class SqliteLexicalSchema
{
    /// <summary>PRAGMA user_version of the schema this code writes; a larger one is from a newer release.</summary>
    public const int Version = 1;

    public const string Create = """
        CREATE TABLE IF NOT EXISTS documents (
            domain TEXT NOT NULL,
            document_id TEXT NOT NULL,
            version TEXT NOT NULL,
            title TEXT NOT NULL,
            path TEXT NOT NULL,
            indexed_at TEXT NOT NULL,
            PRIMARY KEY (domain, document_id));

        CREATE TABLE IF NOT EXISTS chunks (
            id INTEGER PRIMARY KEY,
            chunk_id TEXT NOT NULL UNIQUE,
            domain TEXT NOT NULL,
            document_id TEXT NOT NULL,
            ordinal INTEGER NOT NULL,
            start_offset INTEGER NOT NULL,
            end_offset INTEGER NOT NULL,
            title TEXT NOT NULL,
            source_path TEXT NOT NULL,
            text TEXT NOT NULL);

        CREATE TABLE IF NOT EXISTS index_settings (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL);

        CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks (domain, document_id, ordinal);

        CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5 (
            title, text, content = 'chunks', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');

        CREATE TRIGGER IF NOT EXISTS chunks_fts_insert AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
        END;

        CREATE TRIGGER IF NOT EXISTS chunks_fts_delete AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_fts (chunks_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        END;
        """;

    public const string ChunkColumns = "chunk_id, document_id, domain, ordinal, text, start_offset, end_offset, title, source_path";
}
