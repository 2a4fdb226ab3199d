namespace DomainAssistant.Worker.Tests;

/// <summary>The checkout's root: the first folder above the test assembly that holds DomainAssistant.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "DomainAssistant.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No DomainAssistant.sln above {AppContext.BaseDirectory}.");
    }
}
