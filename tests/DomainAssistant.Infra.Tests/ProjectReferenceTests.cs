using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace DomainAssistant.Infra.Tests;

/// <summary>
/// The project graph as docs/architecture.md draws it is the one the .csproj files declare, and the parts that must
/// stay independent stay so: Model, Contracts, Retrieval and Storage reference nothing of ours, the API host never
/// references Training (models are trained by the job handlers, in a worker or through the Jobs library) nor the
/// Worker host, and ServiceDefaults never the model or its training.
/// </summary>
public sealed partial class ProjectReferenceTests
{
    static readonly string Source = Path.Combine(RepositoryRoot.Path, "src");

    /// <summary>"Api -> Training" for every ProjectReference under src/, short names (DomainAssistant. prefix dropped).</summary>
    static SortedSet<string> Declared()
    {
        var edges = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var project in Directory.EnumerateFiles(Source, "*.csproj", SearchOption.AllDirectories))
        {
            var from = Short(Path.GetFileNameWithoutExtension(project));
            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
                edges.Add($"{from} -> {Short(Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value.Replace('\\', '/')))}");
        }
        return edges;
    }

    /// <summary>The edges of the Mermaid graph in docs/architecture.md ("Api[...] --> Contracts" style lines).</summary>
    static SortedSet<string> Drawn()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "architecture.md"));
        var graph = text[text.IndexOf("```mermaid", StringComparison.Ordinal)..];
        graph = graph[..graph.IndexOf("```", 10, StringComparison.Ordinal)];
        return new SortedSet<string>(Edge().Matches(graph).Select(m => $"{m.Groups[1].Value} -> {m.Groups[2].Value}"), StringComparer.Ordinal);
    }

    static string Short(string name) => name.StartsWith("DomainAssistant.", StringComparison.Ordinal) ? name["DomainAssistant.".Length..] : name;

    [Fact]
    public void The_architecture_page_draws_exactly_the_references_the_projects_declare()
    {
        var declared = Declared();
        var drawn = Drawn();
        Assert.True(declared.Count > 5, "the projects under src/ were found");
        Assert.Equal(declared, drawn);
    }

    [Theory]
    [InlineData("Model")]
    [InlineData("Contracts")]
    [InlineData("Retrieval")]
    [InlineData("Storage")]
    public void A_foundation_project_references_nothing_of_ours(string project) =>
        Assert.DoesNotContain(Declared(), edge => edge.StartsWith($"{project} -> ", StringComparison.Ordinal));

    [Theory]
    [InlineData("Api", "Training")]
    [InlineData("Api", "Worker")]
    [InlineData("ServiceDefaults", "Model")]
    [InlineData("ServiceDefaults", "Training")]
    [InlineData("Jobs", "Api")]
    [InlineData("Jobs", "Worker")]
    public void A_project_does_not_reference_one_it_must_not(string project, string forbidden) =>
        Assert.DoesNotContain($"{project} -> {forbidden}", Declared());

    [Fact]
    public void The_API_code_uses_no_training_type()
    {
        // Through the Jobs library the API process can load Training; its own code must not reach for it.
        var offenders = Directory.EnumerateFiles(Path.Combine(Source, "DomainAssistant.Api"), "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(file => File.ReadAllText(file).Contains("DomainAssistant.Training", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .ToList();
        Assert.Empty(offenders);
    }

    [GeneratedRegex(@"^\s*(\w+)(?:\[[^\]]*\])?\s*-->\s*(\w+)", RegexOptions.Multiline)]
    private static partial Regex Edge();
}
