namespace DomainAssistant.Storage.PostgreSql;

/// <summary>
/// A store's tables in the shared PostgreSQL database: its component name and its migrations in order. Each store
/// owns its schema, so a library's tables change with its own code and no central list has to know them all.
/// </summary>
public sealed class ComponentSchema
{
    /// <param name="component">The name its applied versions are recorded under in <c>schema_migrations</c>.</param>
    /// <param name="migrations">Versions 1..n, in order.</param>
    /// <exception cref="ArgumentException">The versions are not 1, 2, ..., n.</exception>
    public ComponentSchema(string component, params SchemaMigration[] migrations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(component);
        if (migrations.Length == 0) throw new ArgumentException($"The schema of '{component}' has no migration.", nameof(migrations));
        for (var i = 0; i < migrations.Length; i++)
        {
            if (migrations[i].Version != i + 1)
                throw new ArgumentException(
                    $"The schema of '{component}' lists version {migrations[i].Version} at position {i + 1}: versions must be 1, 2, 3, ... in order.",
                    nameof(migrations));
        }
        Component = component;
        Migrations = migrations;
    }

    public string Component { get; }

    public IReadOnlyList<SchemaMigration> Migrations { get; }

    /// <summary>The newest version this build knows.</summary>
    public int Latest => Migrations.Count;
}
