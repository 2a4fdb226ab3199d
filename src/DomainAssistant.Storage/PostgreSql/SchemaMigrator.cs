using Npgsql;

namespace DomainAssistant.Storage.PostgreSql;

/// <summary>
/// Brings one component's tables up to its latest version: in one transaction holding a database-wide advisory lock,
/// so processes starting together apply each migration exactly once, and a failed step leaves nothing half done.
/// Applied versions are recorded in <c>schema_migrations</c> (component, version, name, applied_at).
/// </summary>
public static class SchemaMigrator
{
    // Any constant every process agrees on; pg_advisory_xact_lock releases it when the transaction ends.
    const long LockKey = 0x44_41_5F_4D_49_47; // "DA_MIG"

    /// <summary>The migrations of <paramref name="schema"/> applied by this call (empty when already current).</summary>
    /// <exception cref="SchemaTooNewException">The database holds a version of the component this build does not know.</exception>
    public static async Task<IReadOnlyList<SchemaMigration>> ApplyAsync(NpgsqlConnection connection, ComponentSchema schema, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(schema);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var prepare = new NpgsqlCommand("""
            SELECT pg_advisory_xact_lock(@key);
            CREATE TABLE IF NOT EXISTS schema_migrations (
                component TEXT NOT NULL,
                version INTEGER NOT NULL,
                name TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (component, version)
            );
            """, connection, transaction))
        {
            prepare.Parameters.AddWithValue("key", LockKey);
            await prepare.ExecuteNonQueryAsync(cancellationToken);
        }

        int current;
        await using (var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = @component", connection, transaction))
        {
            read.Parameters.AddWithValue("component", schema.Component);
            current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        if (current > schema.Latest) throw new SchemaTooNewException(schema.Component, current, schema.Latest);

        var applied = new List<SchemaMigration>();
        foreach (var migration in schema.Migrations.Where(m => m.Version > current))
        {
            await using (var step = new NpgsqlCommand(migration.Sql, connection, transaction))
                await step.ExecuteNonQueryAsync(cancellationToken);
            await using (var record = new NpgsqlCommand(
                "INSERT INTO schema_migrations (component, version, name) VALUES (@component, @version, @name)", connection, transaction))
            {
                record.Parameters.AddWithValue("component", schema.Component);
                record.Parameters.AddWithValue("version", migration.Version);
                record.Parameters.AddWithValue("name", migration.Name);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }
            applied.Add(migration);
        }
        await transaction.CommitAsync(cancellationToken);
        return applied;
    }
}
