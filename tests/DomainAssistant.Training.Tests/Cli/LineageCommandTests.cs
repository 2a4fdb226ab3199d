using System.CommandLine;
using System.Text.Json;
using DomainAssistant.Cli;
using DomainAssistant.Model.Lora;
using DomainAssistant.Training.Sft;
using DomainAssistant.Training.Tests.Support;

namespace DomainAssistant.Training.Tests.Cli;

/// <summary>`da train` records what it made in the lineage ledger; `da lineage show` prints the chain back.</summary>
public sealed class LineageCommandTests
{
    [Fact]
    public async Task An_adapter_trained_over_a_pretrained_base_shows_its_chain_back_to_the_corpus()
    {
        using var work = new TempFolder();
        work.File("corpus/a.txt", SampleCorpus.Text(600));
        var ledger = Path.Combine(work.Path, "lineage.db");
        var basePath = Path.Combine(work.Path, "base");
        var adapter = Path.Combine(work.Path, "adapter");
        var pretrained = await Run("train", "base", "--corpus", Path.Combine(work.Path, "corpus"), "--size", "tiny", "--out", basePath,
            "--steps", "2", "--vocab-size", "300", "--batch", "2", "--seq-len", "32", "--precision", "fp32", "--ledger", ledger);
        Assert.True(pretrained.ExitCode == 0, pretrained.Error);
        var data = work.File("qa.jsonl", string.Join('\n', QuestionAnswers.Lines(12)));
        var tuned = await Run("train", "sft", "--model", basePath, "--data", data, "--out", adapter, "--epochs", "1", "--batch", "4", "--seq-len", "32",
            "--ledger", ledger);
        Assert.True(tuned.ExitCode == 0, tuned.Error);
        var adapterSha = PeftAdapter.WeightsSha256(adapter);
        Assert.Contains($"lineage: adapter {adapterSha[..16]} recorded in {Path.GetFullPath(ledger)}", tuned.Error);

        var shown = await Run("lineage", "show", adapterSha, "--ledger", ledger, "--json");

        Assert.True(shown.ExitCode == 0, shown.Error);
        var chain = JsonDocument.Parse(shown.Output).RootElement.GetProperty("chain").EnumerateArray().ToList();
        Assert.Equal(["adapter", "base_model", "dataset", "corpus_version"], chain.Select(r => r.GetProperty("kind").GetString()));
        Assert.Equal(Checksums.Model(basePath), chain[1].GetProperty("sha256").GetString());
        Assert.Equal("da train base", chain[1].GetProperty("produced_by").GetString());
        Assert.Equal("schedule", chain[1].GetProperty("stop_reason").GetString());
        Assert.Equal("da train sft", chain[0].GetProperty("produced_by").GetString());
        Assert.Equal(TrainingPrecisions.Default.Name(), chain[0].GetProperty("hyperparameters").GetProperty("precision").GetString()); // --precision auto
        Assert.Equal("referenced", chain[2].GetProperty("produced_by").GetString());
        var text = await Run("lineage", "show", adapterSha[..16], "--ledger", ledger);
        Assert.StartsWith($"adapter {adapterSha[..16]}  sha256 {adapterSha}", text.Output);
        Assert.Contains("  base_model ", text.Output);
        Assert.Contains("made by da train base", text.Output);
        Assert.Contains("\"kind\": \"adapter\"", File.ReadAllText(Path.Combine(adapter, "lineage.json")));
    }

    [Theory]
    [InlineData("00000000000000ff", "no artifact 00000000000000ff in the lineage ledger.")]
    [InlineData("adapter-1", "'adapter-1' is neither a lineage id (16 hex digits) nor a SHA-256 (64 hex digits).")]
    public async Task An_unknown_or_malformed_id_is_one_line_on_stderr_and_exit_code_1(string id, string message)
    {
        using var work = new TempFolder();
        var ledger = Path.Combine(work.Path, "lineage.db");
        await new Storage.Lineage.SqliteLineageLedger(ledger).RecordAsync(Storage.Lineage.LineageRecord.Of(Storage.Lineage.ArtifactKind.CorpusVersion,
            new string('a', 64), null, [], "test", new { Files = 1 }));

        var shown = await Run("lineage", "show", id, "--ledger", ledger);

        Assert.Equal(1, shown.ExitCode);
        Assert.Equal($"error: {message}", shown.Error.Trim());
        Assert.Empty(shown.Output);
    }

    [Fact]
    public async Task A_missing_ledger_is_named_rather_than_created()
    {
        using var work = new TempFolder();
        var ledger = Path.Combine(work.Path, "none", "lineage.db");

        var shown = await Run("lineage", "show", new string('b', 16), "--ledger", ledger);

        Assert.Equal(1, shown.ExitCode);
        Assert.Contains($"no lineage ledger at {ledger}", shown.Error);
        Assert.False(File.Exists(ledger));
    }

    static async Task<(int ExitCode, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApplication.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
