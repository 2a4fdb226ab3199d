using DomainAssistant.Storage.PostgreSql;

namespace DomainAssistant.Storage.Tests;

/// <summary>Opens a store on each engine for the contract tests.</summary>
public static class StoreBackends
{
    /// <summary>A store on SQLite files in a fresh temp folder, deleted afterwards.</summary>
    public static Task<StoreLease<TStore>> Sqlite<TStore>(Func<string, TStore> open)
    {
        var folder = new TempFolder();
        var store = open(folder.Path);
        return Task.FromResult(new StoreLease<TStore>(store, async () =>
        {
            await Release(store);
            folder.Dispose();
        }));
    }

    /// <summary>A store on a scratch PostgreSQL database, dropped afterwards; skips the test without a server.</summary>
    public static async Task<StoreLease<TStore>> Postgres<TStore>(Func<PostgresDatabase, TStore> open)
    {
        var server = await ScratchPostgres.CreateAsync();
        var database = new PostgresDatabase(server.ConnectionString);
        var store = open(database);
        return new StoreLease<TStore>(store, async () =>
        {
            await Release(store);
            await database.DisposeAsync();
            await server.DisposeAsync();
        });
    }

    static async ValueTask Release<TStore>(TStore store)
    {
        if (store is IAsyncDisposable asynchronous) await asynchronous.DisposeAsync();
        else (store as IDisposable)?.Dispose();
    }
}
