using System.Text.RegularExpressions;

namespace DomainAssistant.Infra.Tests;

/// <summary>
/// The API host's folders are its chapters (Chat, Serving, Corpora, ...): one may use another, but two never use each
/// other, so a newcomer can read them in an order. The composition root (Extensions) and Program.cs sit above all of
/// them and are left out.
/// </summary>
public sealed partial class ApiFolderTests
{
    static readonly string Api = Path.Combine(RepositoryRoot.Path, "src", "DomainAssistant.Api");
    static readonly string[] CompositionRoot = ["Extensions"];

    /// <summary>"Chat -> Serving (ChatPipeline.cs)" for every use of another folder's namespace.</summary>
    static List<(string From, string To, string File)> Uses()
    {
        var uses = new List<(string, string, string)>();
        foreach (var file in Directory.EnumerateFiles(Api, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Api, file).Replace('\\', '/');
            if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal)) continue;
            var slash = relative.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0) continue;
            var folder = relative[..slash];
            if (CompositionRoot.Contains(folder)) continue;
            foreach (var target in OtherFolder().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value).Distinct())
                if (target != folder) uses.Add((folder, target, Path.GetFileName(file)));
        }
        return uses;
    }

    [Fact]
    public void No_two_folders_use_each_other()
    {
        var uses = Uses();
        Assert.Contains(uses, u => u.From == "Chat" && u.To == "Serving");
        var pairs = uses.Select(u => (u.From, u.To)).ToHashSet();
        var circles = uses.Where(u => pairs.Contains((u.To, u.From)))
            .Select(u => $"{u.From} -> {u.To} ({u.File})").Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(circles.Count == 0, "folders that use each other:\n" + string.Join('\n', circles));
    }

    [Fact]
    public void The_folders_can_be_read_in_an_order()
    {
        var edges = Uses().Select(u => (u.From, u.To)).Distinct().ToList();
        var folders = edges.SelectMany(e => new[] { e.From, e.To }).ToHashSet();
        // Peel off folders that use no remaining folder; whatever is left sits on a circle.
        while (folders.FirstOrDefault(f => !edges.Any(e => e.From == f && folders.Contains(e.To))) is { } leaf)
            folders.Remove(leaf);
        Assert.True(folders.Count == 0, "folders on a circle of uses: " + string.Join(", ", folders.Order(StringComparer.Ordinal)));
    }

    [GeneratedRegex(@"DomainAssistant\.Api\.([A-Z][A-Za-z]*)\b")]
    private static partial Regex OtherFolder();
}
