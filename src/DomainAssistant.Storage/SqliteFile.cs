using Microsoft.Data.Sqlite;

namespace DomainAssistant.Storage;

/// <summary>
/// One SQLite database file: pooled connections in WAL mode (readers never wait for the writer), full sync, foreign
/// keys enforced, and the schema created once per file and process on first use.
/// </summary>
/// <remarks>
/// Full sync because these files hold the only copy of what users did: a stored answer is the lineage a later
/// feedback refers to, and a feedback row is the only copy until the broker confirms it.
/// </remarks>
public sealed class SqliteFile
{
    readonly string _connectionString;
    readonly string _schema;
    readonly Action<SqliteConnection>? _upgrade;
    readonly Lock _schemaGate = new();
    volatile bool _schemaReady;

    /// <param name="path">The database file; it and its folder are created when absent.</param>
    /// <param name="schema">SQL run once before the first connection is handed out (CREATE TABLE IF NOT EXISTS ...).</param>
    /// <param name="upgrade">
    /// Run once right after <paramref name="schema"/>: brings a file written by an older release up to date (ALTER
    /// TABLE ... ADD COLUMN when missing), which CREATE TABLE IF NOT EXISTS alone leaves as it was.
    /// </param>
    public SqliteFile(string path, string schema, Action<SqliteConnection>? upgrade = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _schema = schema;
        _upgrade = upgrade;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The absolute path of the database file.</summary>
    public string Path { get; }

    /// <summary>An open connection to the file, its schema in place.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_schemaReady) Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // SQLite opens a file it cannot write read-only without an error. Pooled, such a connection would go on
            // refusing writes after the directory is writable again: it is dropped and the open fails as read-only.
            if (SQLitePCL.raw.sqlite3_db_readonly(connection.Handle, "main") == 1)
            {
                SqliteConnection.ClearPool(connection);
                throw new SqliteException($"{Path} can only be opened read-only", SQLitePCL.raw.SQLITE_READONLY);
            }
            await using (var pragmas = connection.CreateCommand())
            {
                pragmas.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";
                await pragmas.ExecuteNonQueryAsync(cancellationToken);
            }
            if (!_schemaReady) CreateSchema(connection);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // Once per file and process; later opens skip it. Synchronous: SQLite does the work on this thread anyway.
    void CreateSchema(SqliteConnection connection)
    {
        lock (_schemaGate)
        {
            if (_schemaReady) return;
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL;\n" + _schema;
            command.ExecuteNonQuery();
            _upgrade?.Invoke(connection);
            _schemaReady = true;
        }
    }
}
