namespace DomainAssistant.ServiceDefaults;

/// <summary>The engine that keeps the records the processes share (setting <c>Storage:Database</c>).</summary>
public enum StorageEngine
{
    /// <summary>SQLite files in the data directory: the embedded mode's default, for one process.</summary>
    Sqlite,

    /// <summary>One PostgreSQL database: the scale-out mode, shared by every API process and worker.</summary>
    PostgreSql,
}
