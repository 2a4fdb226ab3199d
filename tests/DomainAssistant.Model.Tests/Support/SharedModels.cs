namespace DomainAssistant.Model.Tests.Support;

/// <summary>
/// Finds the pretrained checkpoints in ../shared/models beside the checkout (never copied into the repo).
/// </summary>
public static class SharedModels
{
    public static string? Stories260K { get; } = Find("stories260K");

    public static string Stories260KBin => Path.Combine(Require(Stories260K), "stories260K.bin");
    public static string Tok512Bin => Path.Combine(Require(Stories260K), "tok512.bin");
    public static string GreedyReference => Path.Combine(Require(Stories260K), "greedy-reference.json");

    static string Require(string? folder) =>
        folder ?? throw new InvalidOperationException("../shared/models/stories260K is absent; the test should have been skipped.");

    static string? Find(string name)
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
        if (SharedModels.Stories260K is null)
            Skip = "Skipped: ../shared/models/stories260K is not beside this checkout (it is never copied into the repo).";
    }
}
