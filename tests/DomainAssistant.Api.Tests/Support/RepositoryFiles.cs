namespace DomainAssistant.Api.Tests.Support;

/// <summary>Files of the checkout (the sample domains) and of ../shared beside it (stories260K, never copied in).</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Domain(string name) => Path.Combine(Root, "domains", name);

    /// <summary>../shared/models/stories260K, or null when it is not beside the checkout.</summary>
    public static string? Stories260K { get; } = FindShared("stories260K");

    /// <summary>Copies a sample domain into <paramref name="domainsRoot"/> (tests must not touch the checkout's files).</summary>
    public static void CopyDomain(string name, string domainsRoot)
    {
        var source = Domain(name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(domainsRoot, name, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DomainAssistant.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (DomainAssistant.sln) is not above the test binaries.");
    }

    static string? FindShared(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "models", name);
            if (File.Exists(Path.Combine(candidate, "README.md"))) return candidate;
        }
        return null;
    }
}

/// <summary>A fact that is skipped, with the reason, when ../shared/models/stories260K is not beside the checkout.</summary>
public sealed class Stories260KFactAttribute : FactAttribute
{
    public Stories260KFactAttribute()
    {
        if (RepositoryFiles.Stories260K is null)
            Skip = "Skipped: ../shared/models/stories260K is not beside this checkout (it is never copied into the repo).";
    }
}
