namespace DomainAssistant.Storage.PostgreSql;

/// <summary>
/// The database was migrated by a newer build than this one: writing to tables whose shape this build does not know
/// could lose data, so the store refuses to start.
/// </summary>
public sealed class SchemaTooNewException(string component, int databaseVersion, int latestKnown)
    : Exception($"The database holds version {databaseVersion} of '{component}' but this build knows up to version {latestKnown}: " +
                "run the newer build, or restore the backup taken before it migrated.")
{
    public string Component { get; } = component;

    public int DatabaseVersion { get; } = databaseVersion;
}
