using DomainAssistant.Storage.PostgreSql;
using Npgsql;

namespace DomainAssistant.Storage.Tests.PostgreSql;

public sealed class SchemaMigratorTests
{
    // No IF NOT EXISTS: running a step twice would fail, so a passing test proves each ran once.
    static readonly ComponentSchema TwoSteps = new("widgets",
        new SchemaMigration(1, "widgets", "CREATE TABLE widgets (id INTEGER PRIMARY KEY)"),
        new SchemaMigration(2, "widget names", "ALTER TABLE widgets ADD COLUMN name TEXT NOT NULL DEFAULT ''"));

    [SkippableFact]
    public async Task Each_migration_runs_once_however_many_processes_start_together()
    {
        await using var server = await ScratchPostgres.CreateAsync();
        // Separate databases objects stand for separate processes: each has its own pool and "already current" memory.
        var processes = Enumerable.Range(0, 6).Select(_ => new PostgresDatabase(server.ConnectionString)).ToList();

        await Task.WhenAll(processes.Select(p => p.EnsureAsync(TwoSteps, CancellationToken.None)));

        Assert.Equal([(1, "widgets"), (2, "widget names")], await Applied(server, "widgets"));
        await using var connection = await processes[0].OpenAsync(TwoSteps, CancellationToken.None);
        await using var insert = new NpgsqlCommand("INSERT INTO widgets (id, name) VALUES (1, 'a')", connection);
        Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        foreach (var process in processes) await process.DisposeAsync();
    }

    [SkippableFact]
    public async Task A_later_build_applies_only_its_new_steps()
    {
        await using var server = await ScratchPostgres.CreateAsync();
        await using (var first = new PostgresDatabase(server.ConnectionString))
            await first.EnsureAsync(new ComponentSchema("widgets", TwoSteps.Migrations[0]), CancellationToken.None);
        Assert.Equal([(1, "widgets")], await Applied(server, "widgets"));

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        var applied = await SchemaMigrator.ApplyAsync(connection, TwoSteps, CancellationToken.None);

        Assert.Equal([2], applied.Select(m => m.Version));
        Assert.Empty(await SchemaMigrator.ApplyAsync(connection, TwoSteps, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_failing_step_leaves_the_database_as_it_was()
    {
        await using var server = await ScratchPostgres.CreateAsync();
        var broken = new ComponentSchema("widgets", TwoSteps.Migrations[0], new SchemaMigration(2, "typo", "ALTER TABLE widgetz ADD COLUMN x INT"));
        await using var database = new PostgresDatabase(server.ConnectionString);

        await Assert.ThrowsAsync<PostgresException>(() => database.EnsureAsync(broken, CancellationToken.None));

        Assert.Empty(await Applied(server, "widgets"));
        // Nothing was remembered as done: the fixed schema applies on the next try, from step 1.
        await database.EnsureAsync(TwoSteps, CancellationToken.None);
        Assert.Equal(2, (await Applied(server, "widgets")).Count);
    }

    [SkippableFact]
    public async Task A_database_migrated_by_a_newer_build_is_refused_by_name()
    {
        await using var server = await ScratchPostgres.CreateAsync();
        await using (var newer = new PostgresDatabase(server.ConnectionString))
            await newer.EnsureAsync(TwoSteps, CancellationToken.None);
        await using var older = new PostgresDatabase(server.ConnectionString);

        var refused = await Assert.ThrowsAsync<SchemaTooNewException>(() =>
            older.EnsureAsync(new ComponentSchema("widgets", TwoSteps.Migrations[0]), CancellationToken.None));

        Assert.Equal(("widgets", 2), (refused.Component, refused.DatabaseVersion));
        Assert.Contains("knows up to version 1", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Versions_out_of_order_are_refused()
    {
        var refused = Assert.Throws<ArgumentException>(() =>
            new ComponentSchema("widgets", TwoSteps.Migrations[1], TwoSteps.Migrations[0]));
        Assert.Contains("version 2 at position 1", refused.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ComponentSchema("widgets"));
    }

    [Fact]
    public void A_connection_string_Npgsql_cannot_read_is_refused_naming_the_setting()
    {
        var refused = Assert.Throws<ArgumentException>(() => new PostgresDatabase("Hots=typo;;=="));
        Assert.Contains("Storage:PostgreSqlConnection", refused.Message, StringComparison.Ordinal);
    }

    static async Task<List<(int, string)>> Applied(ScratchPostgres server, string component)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand(
            "SELECT version, name FROM schema_migrations WHERE component = @c ORDER BY version", connection);
        select.Parameters.AddWithValue("c", component);
        var rows = new List<(int, string)>();
        try
        {
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add((reader.GetInt32(0), reader.GetString(1)));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Rolled back with the failed step: nothing was applied.
        }
        return rows;
    }
}
