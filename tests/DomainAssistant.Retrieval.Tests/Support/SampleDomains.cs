using System.Text.Json;

namespace DomainAssistant.Retrieval.Tests.Support;

/// <summary>Finds the repository's sample domains (domains/NAME with corpus/ and qa/) from the test's output folder.</summary>
public static class SampleDomains
{
    public static string? Root { get; } = Find();

    public static string Folder(string name) => Path.Combine(Root ?? throw new InvalidOperationException("domains/ is absent; the test should have been skipped."), name);

    /// <summary>The held-out questions of a domain with the corpus-relative id of the document that answers each.</summary>
    public static IReadOnlyList<(string Question, string DocumentId)> HeldOut(string name) =>
        File.ReadLines(Path.Combine(Folder(name), "qa", "heldout.jsonl"))
            .Where(line => line.Length > 0)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(qa => (qa.GetProperty("question").GetString()!, qa.GetProperty("source").GetString()!["corpus/".Length..]))
            .ToList();

    static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "domains");
            if (File.Exists(Path.Combine(candidate, "tidewell-support", "domain.json"))) return candidate;
        }
        return null;
    }
}

/// <summary>A fact that is skipped, with the reason, when the repository's domains/ folder is not found.</summary>
public sealed class SampleDomainsFactAttribute : FactAttribute
{
    public SampleDomainsFactAttribute()
    {
        if (SampleDomains.Root is null) Skip = "Skipped: the repository's domains/ folder (sample corpora) was not found above the test output folder.";
    }
}
