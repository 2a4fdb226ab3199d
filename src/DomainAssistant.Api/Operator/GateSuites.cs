namespace DomainAssistant.Api.Operator;

/// <summary>Where each domain's gate suite is: <c>{root}/{domain}/gate.json</c>.</summary>
public sealed class GateSuites(OperatorOptions options)
{
    public const string FileName = "gate.json";

    /// <summary>The folder the suites are in; null when none was configured or found.</summary>
    public string? Root { get; } = options.GateSuites is { } configured ? Path.GetFullPath(configured) : FindRepositorySuites();

    /// <summary>The domain's gate suite, or null (with the reason) when it has none.</summary>
    public (string? Path, string? Missing) For(string domain)
    {
        if (Root is null) return (null, "no gate suites folder is configured (Operator:GateSuites) or found (eval-suites).");
        var path = System.IO.Path.Combine(Root, domain, FileName);
        return File.Exists(path) ? (path, null) : (null, $"domain \"{domain}\" has no gate suite: {path} does not exist.");
    }

    static string? FindRepositorySuites()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "eval-suites");
                if (Directory.Exists(candidate)) return candidate;
            }
        return null;
    }
}
