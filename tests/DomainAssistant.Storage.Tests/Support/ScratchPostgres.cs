using Npgsql;

namespace DomainAssistant.Storage.Tests;

/// <summary>
/// A database of its own on the test run's PostgreSQL server (infra/services/postgres.sh starts it and exports
/// POSTGRES_ADMIN_CONNECTION), dropped on dispose, so tests that count rows never see another test's.
/// </summary>
public sealed class ScratchPostgres : IAsyncDisposable
{
    const string Variable = "POSTGRES_ADMIN_CONNECTION";

    readonly string _admin;

    ScratchPostgres(string admin, string name, string connectionString)
    {
        _admin = admin;
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>Why PostgreSQL tests are skipped here; null when a server is configured.</summary>
    public static string? Unavailable => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 }
        ? null
        : $"{Variable} is not set: run infra/services/postgres.sh start and source artifacts/services/postgres.env (infra/test.sh does both).";

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>Connects to this test's database.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates an empty database; skips the calling test (Xunit.SkippableFact) when no server is configured.</summary>
    public static async Task<ScratchPostgres> CreateAsync()
    {
        Skip.If(Unavailable is not null, Unavailable);
        var admin = Environment.GetEnvironmentVariable(Variable)!;
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString();
        return new ScratchPostgres(admin, name, connectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
