using System.Text.Json;

namespace DomainAssistant.Cli.Tests;

/// <summary>`da data drills` writes reading drills for the sample domain in the SFT reader's format, and refuses options that cannot work by name.</summary>
public sealed class DataDrillsTests : IDisposable
{
    readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("da-drills-");

    public void Dispose() => _folder.Delete(recursive: true);

    static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DomainAssistant.sln"))) return dir.FullName;
        throw new InvalidOperationException("DomainAssistant.sln not found above " + AppContext.BaseDirectory);
    }

    static string[] Args(string output, params string[] more)
    {
        var domain = Path.Combine(Repository(), "domains", "tidewell-support");
        return ["data", "drills", "--domain", domain, "--model", Path.Combine(domain, "model", "base"), "--out", output, .. more];
    }

    [Fact]
    public async Task Writes_the_asked_number_of_conversations_and_reports_them_as_JSON()
    {
        var output = Path.Combine(_folder.FullName, "drills.jsonl");

        var run = await CliRun.InvokeAsync(Args(output, "--count", "40", "--seed", "5", "--json"));

        Assert.True(run.ExitCode == 0, run.Error);
        using var report = JsonDocument.Parse(run.Output);
        Assert.Equal(40, report.RootElement.GetProperty("drills").GetInt32());
        var lines = File.ReadAllLines(output);
        Assert.Equal(40, lines.Length);
        var answers = 0;
        foreach (var line in lines)
        {
            using var drill = JsonDocument.Parse(line);
            var roles = drill.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()).ToList();
            Assert.Equal("system", roles[0]);
            answers += roles.Count(r => r == "assistant");
        }
        Assert.Equal(report.RootElement.GetProperty("answers").GetInt32(), answers);
    }

    [Fact]
    public async Task A_scramble_rate_above_one_is_refused_by_name_and_nothing_is_written()
    {
        var output = Path.Combine(_folder.FullName, "drills.jsonl");

        var run = await CliRun.InvokeAsync(Args(output, "--scramble-rate", "1.5"));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("scramble rate", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }
}
