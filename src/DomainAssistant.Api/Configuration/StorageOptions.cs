namespace DomainAssistant.Api.Configuration;

/// <summary>Where the host keeps its files (section <c>Storage</c>).</summary>
public sealed class StorageOptions : ISelfValidating
{
    public const string Section = "Storage";

    /// <summary>SQLite files, indexes, bootstrapped models and adapters live here. Default ".data" (relative to the working directory).</summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>The conversations and messages database.</summary>
    public string ConversationsDatabase => Path.Combine(DataDirectory, "conversations.db");

    /// <summary>Where a bootstrapped model for <paramref name="domain"/> is built and kept.</summary>
    public string BootstrapFolder(string domain) => Path.Combine(DataDirectory, "models", "bootstrap", domain);

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory)) yield return "Storage:DataDirectory must name a folder";
    }
}
