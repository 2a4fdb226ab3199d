namespace DomainAssistant.Api.Configuration;

/// <summary>The domains the assistant serves (section <c>Domains</c>).</summary>
public sealed class DomainsOptions : ISelfValidating
{
    public const string Section = "Domains";

    /// <summary>
    /// Folder holding one sub-folder per domain, each with a domain.json. Default: the first "domains" folder found
    /// in the working directory or above it, or beside the application or above it (the repository's sample domains).
    /// </summary>
    public string? Root { get; set; }

    /// <summary>The domain used when a request names none. Default "tidewell-support" when present, else the first by name.</summary>
    public string? Default { get; set; }

    /// <summary>Ingest every domain's corpus into the retrieval index at startup (unchanged documents are skipped). Default true.</summary>
    public bool IngestOnStartup { get; set; } = true;

    public IEnumerable<string> Problems()
    {
        if (Root is not null && string.IsNullOrWhiteSpace(Root)) yield return "Domains:Root must name a folder when set";
        if (Default is not null && string.IsNullOrWhiteSpace(Default)) yield return "Domains:Default must name a domain when set";
    }
}
