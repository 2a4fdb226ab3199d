namespace DomainAssistant.Evaluation.Tests.Support;

/// <summary>The checkout's files (domains/NAME, eval-suites/), found by walking up from the test binaries to DomainAssistant.sln.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Domain(string name) => Path.Combine(Root, "domains", name);

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DomainAssistant.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (DomainAssistant.sln) is not above the test binaries.");
    }
}
