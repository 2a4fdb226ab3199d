namespace DomainAssistant.ServiceDefaults;

/// <summary>
/// Where the hosts keep their files (section <c>Storage</c>), bound once by <see cref="ServiceDefaultsExtensions.AddServiceDefaults"/>:
/// every SQLite file and model folder of ours is named here, so the API and the worker find the same ones.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>SQLite files, indexes, bootstrapped models and adapters live here. Default ".data" (relative to the working directory).</summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>
    /// Where the records every process must share live: <see cref="StorageEngine.Sqlite"/> files under
    /// <see cref="DataDirectory"/> (the embedded default, one process), or one PostgreSQL database
    /// (<see cref="StorageEngine.PostgreSql"/>, the scale-out mode: several API processes and workers).
    /// </summary>
    public StorageEngine Database { get; set; } = StorageEngine.Sqlite;

    /// <summary>The Npgsql connection string when <see cref="Database"/> is PostgreSql (e.g. Host=db;Username=da;Password=...;Database=da).</summary>
    public string? PostgreSqlConnection { get; set; }

    /// <summary>The conversations and messages database.</summary>
    public string ConversationsDatabase => Path.Combine(DataDirectory, "conversations.db");

    /// <summary>The background jobs database.</summary>
    public string JobsDatabase => Path.Combine(DataDirectory, "jobs.db");

    /// <summary>The local feedback store (the outbox's source).</summary>
    public string FeedbackDatabase => Path.Combine(DataDirectory, "feedback.db");

    /// <summary>The inbox that files feedback as training examples.</summary>
    public string TrainingExamplesDatabase => Path.Combine(DataDirectory, "training-examples.db");

    /// <summary>The lineage ledger: every artifact the loop made, with its checksum and parents (docs/lineage.md).</summary>
    public string LineageDatabase => Path.Combine(DataDirectory, "lineage.db");

    /// <summary>Where a bootstrapped model for <paramref name="domain"/> is built and kept.</summary>
    public string BootstrapFolder(string domain) => Path.Combine(DataDirectory, "models", "bootstrap", domain);

    /// <summary>Every setting that cannot work, each naming its key; empty when all is well.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory)) yield return "Storage:DataDirectory must name a folder";
        if (!Enum.IsDefined(Database)) yield return $"Storage:Database must be Sqlite or PostgreSql, not {Database}";
        if (Database == StorageEngine.PostgreSql && string.IsNullOrWhiteSpace(PostgreSqlConnection))
            yield return "Storage:PostgreSqlConnection must be set when Storage:Database is PostgreSql";
    }
}
