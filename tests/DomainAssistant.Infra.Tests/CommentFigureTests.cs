using System.Text.RegularExpressions;

namespace DomainAssistant.Infra.Tests;

/// <summary>
/// Code comments say why the code is as it is; the measurements that justified it live in docs/modeling.md (issue 15).
/// A comment line under src/ that carries a measured speed or time (a number followed by GB/s, tok/s, tokens/s, ms,
/// us or µs) fails here, naming the file and line. A unit without a number ("tokens/s and ETA", a column the
/// progress bar prints) is no measurement and passes.
/// </summary>
public sealed partial class CommentFigureTests
{
    [GeneratedRegex(@"\d(?:[\d.,]*\d)?\s*(?:[GM]i?B/s|tok/s|tokens/s|ms|us|µs)\b")]
    private static partial Regex Measurement();

    /// <summary>The comment on a line: all of it when the line is a comment (//, ///, /*, *), else what follows //.</summary>
    static string? CommentOf(string line)
    {
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith("//", StringComparison.Ordinal) || trimmed.StartsWith("/*", StringComparison.Ordinal)
            || trimmed.StartsWith('*'))
            return trimmed;
        for (int at = line.IndexOf("//", StringComparison.Ordinal); at >= 0; at = line.IndexOf("//", at + 2, StringComparison.Ordinal))
            if (at == 0 || line[at - 1] != ':') return line[at..]; // "http://" in a string is no comment
        return null;
    }

    static IEnumerable<string> SourceFiles()
    {
        var src = RepositoryRoot.File("src");
        var sep = Path.DirectorySeparatorChar;
        return Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{sep}bin{sep}", StringComparison.Ordinal) && !f.Contains($"{sep}obj{sep}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/// streams 13-16 GB/s a core", true)]
    [InlineData("// batch 8 415 -> 474 tokens/s", true)]
    [InlineData("    x++; // took 0.65 ms", true)]
    [InlineData("/// ~80 us per call", true)]
    [InlineData("/// step, loss, held-out loss, tokens/s and ETA", false)]
    [InlineData("/// Default 30 s.", false)]
    [InlineData("var url = \"http://host:1 ms\";", false)]
    public void The_pattern_finds_measurements_in_comments_only(string line, bool found) =>
        Assert.Equal(found, CommentOf(line) is { } comment && Measurement().IsMatch(comment));

    [Fact]
    public void No_comment_under_src_carries_a_measured_figure()
    {
        var files = SourceFiles().ToList();
        Assert.True(files.Count > 100, "the sources under src/ were found");
        var offending = new List<string>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
                if (CommentOf(lines[i]) is { } comment && Measurement().Match(comment) is { Success: true } m)
                    offending.Add($"{Path.GetRelativePath(RepositoryRoot.Path, file)}:{i + 1}: \"{m.Value}\"");
        }
        Assert.True(offending.Count == 0,
            "Comments carry measured figures; say why in words and move the figures to docs/modeling.md:\n"
            + string.Join("\n", offending));
    }
}
