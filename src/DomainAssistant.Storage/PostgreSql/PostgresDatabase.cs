using Npgsql;

namespace DomainAssistant.Storage.PostgreSql;

/// <summary>
/// The one PostgreSQL database the scale-out mode's processes share: pooled connections, and each component's
/// schema brought up to date before its first connection in this process (<see cref="SchemaMigrator"/>).
/// </summary>
/// <remarks>
/// A migration that fails (the server is down) is tried again on the next open instead of being remembered as done or
/// as failed for good, so a process that started before its database recovers without a restart.
/// </remarks>
public sealed class PostgresDatabase : IAsyncDisposable
{
    readonly NpgsqlDataSource _source;
    readonly SemaphoreSlim _migrating = new(1, 1);
    readonly HashSet<string> _current = [];

    /// <param name="connectionString">An Npgsql connection string (Host=...;Port=...;Username=...;Database=...).</param>
    /// <exception cref="ArgumentException">The connection string is empty or not one Npgsql understands.</exception>
    public PostgresDatabase(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Storage:PostgreSqlConnection is not a PostgreSQL connection string: {e.Message}", nameof(connectionString), e);
        }
        Name = $"{builder.Host}:{builder.Port}/{builder.Database}";
        // The stores keep no session state (advisory locks are transaction-scoped; no SET, temporary table or
        // prepared statement outlives a command), so the DISCARD ALL Npgsql runs on every pooled connection handed out
        // again is pure cost: a statement of its own, and a transaction, for each short store call.
        builder.NoResetOnClose = true;
        // With connections kept as they are, statements the stores repeat (a feedback's INSERT, the rated answer's
        // lookup) are prepared once per connection instead of parsed and planned on every call.
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 64;
        _source = NpgsqlDataSource.Create(builder);
    }

    /// <summary>host:port/database, for logs and errors (never the password).</summary>
    public string Name { get; }

    /// <summary>An open connection, <paramref name="schema"/>'s tables in place.</summary>
    public async Task<NpgsqlConnection> OpenAsync(ComponentSchema schema, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        await EnsureAsync(schema, cancellationToken);
        return await _source.OpenConnectionAsync(cancellationToken);
    }

    /// <summary>Applies <paramref name="schema"/>'s missing migrations, once per process.</summary>
    /// <exception cref="SchemaTooNewException">The database holds a version of the component this build does not know.</exception>
    public async Task EnsureAsync(ComponentSchema schema, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        lock (_current)
        {
            if (_current.Contains(schema.Component)) return;
        }
        await _migrating.WaitAsync(cancellationToken);
        try
        {
            lock (_current)
            {
                if (_current.Contains(schema.Component)) return;
            }
            await using (var connection = await _source.OpenConnectionAsync(cancellationToken))
                await SchemaMigrator.ApplyAsync(connection, schema, cancellationToken);
            lock (_current) _current.Add(schema.Component);
        }
        finally
        {
            _migrating.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        _migrating.Dispose();
    }
}
