using Microsoft.Data.Sqlite;

namespace DomainAssistant.Api.Conversations;

/// <summary>
/// One SQLite file: pooled connections in WAL mode (readers never wait for the writer) and the schema created on
/// first use. Full sync: a stored answer is the lineage a later feedback refers to.
/// </summary>
public sealed class SqliteDatabase
{
    readonly string _connectionString;
    readonly string _schema;
    readonly Lock _schemaGate = new();
    volatile bool _schemaReady;

    public SqliteDatabase(string path, string schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _schema = schema;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The absolute path of the file.</summary>
    public string Path { get; }

    /// <summary>An open connection with the schema in place.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_schemaReady) Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
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
}
