using DomainAssistant.Api.Configuration;
using DomainAssistant.Grounding;

namespace DomainAssistant.Api.Domains;

/// <summary>
/// The domains under <c>Domains:Root</c> (one folder each, with a domain.json), read at startup. <see cref="Reload"/>
/// picks up domains added later (e.g. by an upload).
/// </summary>
public sealed class DomainCatalog
{
    readonly Lock _gate = new();
    readonly string? _preferredDefault;
    IReadOnlyDictionary<string, DomainProfile> _domains = new Dictionary<string, DomainProfile>();

    DomainCatalog(string? root, string? preferredDefault)
    {
        Root = root;
        _preferredDefault = preferredDefault;
    }

    /// <summary>The folder the domains live in; null when none was configured or found.</summary>
    public string? Root { get; }

    /// <summary>Every domain, by name.</summary>
    public IReadOnlyDictionary<string, DomainProfile> All => _domains;

    /// <summary>The domain used when a request names none; null when there are no domains.</summary>
    public DomainProfile? Default { get; private set; }

    /// <summary>Reads the domains; a configured root or default that does not exist stops the host with a clear message.</summary>
    public static DomainCatalog Load(DomainsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var root = options.Root ?? FindSampleDomains();
        if (options.Root is not null && !Directory.Exists(options.Root))
            throw new InvalidOperationException($"Invalid configuration: Domains:Root '{Path.GetFullPath(options.Root)}' does not exist.");
        var catalog = new DomainCatalog(root is null ? null : Path.GetFullPath(root), options.Default);
        catalog.Reload();
        if (options.Default is not null && !catalog.All.ContainsKey(options.Default))
            throw new InvalidOperationException(
                $"Invalid configuration: Domains:Default \"{options.Default}\" is not a domain under '{catalog.Root}' (found: {string.Join(", ", catalog.All.Keys)}).");
        return catalog;
    }

    /// <summary>The named domain, or the default when <paramref name="name"/> is null; null when unknown.</summary>
    public DomainProfile? Find(string? name) =>
        name is null ? Default : _domains.TryGetValue(name, out var profile) ? profile : null;

    /// <summary>Reads the root folder again.</summary>
    public void Reload()
    {
        lock (_gate)
        {
            var domains = new SortedDictionary<string, DomainProfile>(StringComparer.Ordinal);
            if (Root is not null)
            {
                foreach (var folder in Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal))
                {
                    if (!File.Exists(Path.Combine(folder, DomainFile.FileName))) continue;
                    var profile = DomainFile.Read(folder);
                    if (!domains.TryAdd(profile.Name, profile))
                        throw new InvalidDataException($"{folder}: domain name \"{profile.Name}\" is used by another folder too.");
                }
            }
            _domains = domains;
            Default = Find(_preferredDefault) ?? Find("tidewell-support") ?? domains.Values.FirstOrDefault();
        }
    }

    /// <summary>The repository's sample domains: a "domains" folder with a domain.json inside, here or in a parent folder.</summary>
    static string? FindSampleDomains()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "domains");
                if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, DomainFile.FileName, SearchOption.AllDirectories).Any())
                    return candidate;
            }
        }
        return null;
    }
}
