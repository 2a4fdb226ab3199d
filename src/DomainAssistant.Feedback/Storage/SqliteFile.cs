using Microsoft.Data.Sqlite;

namespace DomainAssistant.Feedback.Storage;

/// <summary>
/// One SQLite database file: opens pooled connections in WAL mode with full sync, and creates the schema once.
/// Full sync because these tables are the only copy of a user's feedback until the broker confirms it.
/// </summary>
internal sealed class SqliteFile
{
    readonly string _connectionString;
    readonly string _schema;
    readonly Lock _schemaGate = new();
    volatile bool _schemaReady;

    public SqliteFile(string path, string schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _schema = schema;
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
            await ExecuteAsync(connection, "PRAGMA busy_timeout = 30000; PRAGMA synchronous = FULL;", cancellationToken);
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
            _schemaReady = true;
        }
    }

    static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
