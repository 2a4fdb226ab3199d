using System.Globalization;
using DomainAssistant.Storage;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Experiments.Storage;

/// <summary>
/// The experiments SQLite file (<c>experiments.db</c>): opened through <see cref="SqliteFile"/> (WAL, full sync,
/// foreign keys), its schema brought to <see cref="ExperimentSchema.Version"/> once per process by the numbered
/// migrations in <see cref="ExperimentSchema.Migrations"/>, recorded in PRAGMA user_version as the lexical index does.
/// </summary>
public sealed class ExperimentDatabase
{
    /// <summary>The file's name in a host's data folder, where the Api and the worker both find it.</summary>
    public const string FileName = "experiments.db";

    readonly SqliteFile _file;
    readonly Lock _migrationGate = new();
    volatile bool _migrated;

    /// <param name="path">The database file; it and its folder are created when absent.</param>
    public ExperimentDatabase(string path) => _file = new SqliteFile(path, "");

    public string Path => _file.Path;

    /// <summary>An open connection, the schema current.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _file.OpenAsync(cancellationToken);
        try
        {
            if (!_migrated) Migrate(connection);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // Once per file and process. Synchronous, as in SqliteFile: SQLite does the work on this thread anyway.
    void Migrate(SqliteConnection connection)
    {
        lock (_migrationGate)
        {
            if (_migrated) return;
            // IMMEDIATE: another process migrating the same file waits here, then finds the version already raised.
            using var transaction = connection.BeginTransaction(deferred: false);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "PRAGMA user_version";
            int version = Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (version > ExperimentSchema.Version)
                throw new InvalidDataException($"Experiments database '{Path}' has schema version {version}; this build reads up to {ExperimentSchema.Version}.");
            for (; version < ExperimentSchema.Version; version++)
            {
                command.CommandText = ExperimentSchema.Migrations[version] + $"\nPRAGMA user_version = {version + 1};";
                command.ExecuteNonQuery();
            }
            transaction.Commit();
            _migrated = true;
        }
    }
}
