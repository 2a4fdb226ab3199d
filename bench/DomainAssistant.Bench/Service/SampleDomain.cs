using System.Text.Json;
using DomainAssistant.Evaluation.Suites;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// A domain of the repository's domains/ folder as the benchmark needs it: its name, corpus folder and held-out
/// questions, its decline and how many chunks it retrieves. Read from domain.json directly: the benchmark is a client of
/// the host, not a part of it.
/// </summary>
/// <param name="Name">The domain's id (requests name it).</param>
/// <param name="Folder">domains/NAME.</param>
/// <param name="CorpusFolder">The corpus folder the host ingests.</param>
/// <param name="HeldOut">The held-out questions (qa.heldout).</param>
/// <param name="Decline">domain.json's "decline"; null when it names none (the host then derives one that says "I do not know").</param>
/// <param name="TopK">Chunks retrieved per question (defaults.topK, 5 when absent), as the host asks its retriever.</param>
public sealed record SampleDomain(string Name, string Folder, string CorpusFolder, IReadOnlyList<HeldOutQuestion> HeldOut, string? Decline = null, int TopK = 5)
{
    /// <summary>The repository root: the first folder above the benchmark with a domains/ folder and the solution file.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DomainAssistant.sln")) && Directory.Exists(Path.Combine(dir.FullName, "domains")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"no repository root (DomainAssistant.sln beside domains/) above {AppContext.BaseDirectory}");
    }

    /// <exception cref="InvalidDataException">domain.json or heldout.jsonl is missing a field; the message names the file and line.</exception>
    public static SampleDomain Load(string name)
    {
        var folder = Path.Combine(RepositoryRoot(), "domains", name);
        var file = Path.Combine(folder, "domain.json");
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        var root = json.RootElement;
        var corpus = Path.GetFullPath(Path.Combine(folder, Text(root, "corpus") ?? "corpus"));
        var heldOutPath = root.TryGetProperty("qa", out var qa) ? Text(qa, "heldout") : null;
        if (heldOutPath is null) throw new InvalidDataException($"{file}: \"qa\".\"heldout\" is required for the service benchmark.");
        var topK = root.TryGetProperty("defaults", out var defaults) && defaults.TryGetProperty("topK", out var k) && k.TryGetInt32(out var n) ? n : 5;
        return new SampleDomain(Text(root, "name") ?? name, folder, corpus, HeldOutSuite.Read(Path.Combine(folder, heldOutPath), folder, corpus), Text(root, "decline"), topK);
    }

    static string? Text(JsonElement element, string field) =>
        element.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
