namespace DomainAssistant.Storage.Tests;

/// <summary>
/// A store under test and what releases it (its temp folder, its scratch database) when the test ends.
/// </summary>
public sealed class StoreLease<TStore>(TStore store, Func<ValueTask> release) : IAsyncDisposable
{
    public TStore Store { get; } = store;

    public ValueTask DisposeAsync() => release();
}

/// <summary>
/// The base of a contract test: the same facts run against every implementation of a store port, each subclass
/// opening one implementation (SQLite for the embedded mode, PostgreSQL for scale-out).
/// </summary>
public abstract class StoreContract<TStore> : IAsyncLifetime
{
    StoreLease<TStore>? _lease;

    protected TStore Store => _lease is { } lease ? lease.Store : throw new InvalidOperationException("InitializeAsync has not run");

    /// <summary>A new, empty store; a PostgreSQL one skips the test when no server is configured.</summary>
    protected abstract Task<StoreLease<TStore>> OpenAsync();

    public async Task InitializeAsync() => _lease = await OpenAsync();

    public async Task DisposeAsync()
    {
        if (_lease is not null) await _lease.DisposeAsync();
    }
}
