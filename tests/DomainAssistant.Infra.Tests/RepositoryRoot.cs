namespace DomainAssistant.Infra.Tests;

/// <summary>The checkout these tests run from, found by walking up to DomainAssistant.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "DomainAssistant.sln"))) return dir.FullName;
        throw new InvalidOperationException("DomainAssistant.sln not found above " + AppContext.BaseDirectory);
    }
}
