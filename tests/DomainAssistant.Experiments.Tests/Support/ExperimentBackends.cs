using DomainAssistant.Experiments.Storage;
using DomainAssistant.Storage.Tests;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DomainAssistant.Experiments.Tests.Support;

/// <summary>Opens the experiments on each engine for the contract tests.</summary>
public static class ExperimentBackends
{
    public static Task<StoreLease<ExperimentBackend>> Sqlite() => StoreBackends.Sqlite(folder =>
    {
        var path = Path.Combine(folder, ExperimentDatabase.FileName);
        return new ExperimentBackend(new ManualClock(), clock =>
        {
            // A restart's new objects find no pooled connection of the old ones.
            SqliteConnection.ClearAllPools();
            var database = new ExperimentDatabase(path);
            return (new SqliteExperimentStore(database, clock), new SqliteExperimentRecords(database));
        }, async sql =>
        {
            await using var connection = new SqliteConnection($"Data Source={path}");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }, "audit");
    });

    public static Task<StoreLease<ExperimentBackend>> Postgres() => StoreBackends.Postgres(database => new ExperimentBackend(new ManualClock(),
        clock => (new PostgresExperimentStore(database, clock), new PostgresExperimentRecords(database)),
        async sql =>
        {
            await using var connection = await database.OpenAsync(PostgresExperimentSchema.Schema, CancellationToken.None);
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }, "experiment_audit"));
}
