using DomainAssistant.Alignment.Tests.Support;
using DomainAssistant.Storage.Lineage;
using DomainAssistant.Training.Tests.Support;
using static DomainAssistant.Alignment.Tests.Cli.CommandRunner;

namespace DomainAssistant.Alignment.Tests.Cli;

/// <summary>`da align` end to end on a tiny model: exit codes, the --json line, errors as one line.</summary>
public sealed class AlignCommandTests(TrainedTokenizer tokenizer) : IClassFixture<TrainedTokenizer>
{
    [Fact]
    public async Task Rm_with_json_ends_stdout_with_the_contracted_fields()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var feedback = SyntheticFeedback.Write(work.Path, "votes.jsonl", prompts: 12);
        var output = Path.Combine(work.Path, "rm");

        var ledger = Path.Combine(work.Path, "lineage.db");
        var result = await Run("align", "rm", "--model", model.Path, "--feedback", feedback, "--out", output, "--epochs", "1", "--max-length", "64", "--json",
            "--ledger", ledger);

        Assert.True(result.ExitCode == 0, result.Error);
        var summary = LastLine(result.Output);
        foreach (var field in new[] { "heldout_accuracy", "heldout_auc", "ece" }) Assert.InRange(summary.GetProperty(field).GetDouble(), 0, 1);
        Assert.Equal(20, summary.GetProperty("train_examples").GetInt32());
        Assert.Equal(4, summary.GetProperty("heldout_examples").GetInt32());
        Assert.Equal(Path.GetFullPath(output), summary.GetProperty("output").GetString());
        Assert.Equal("schedule", summary.GetProperty("stop_reason").GetString());
        var checksum = summary.GetProperty("checksum").GetString()!;
        var recorded = await new SqliteLineageLedger(ledger).FindAsync(checksum);
        Assert.Equal((ArtifactKind.RewardModel, "da align rm"), (recorded!.Kind, recorded.ProducedBy));
        Assert.Equal([ArtifactKind.BaseModel, ArtifactKind.Dataset], recorded.Parents.Select(p => p.Kind));
        Assert.Equal(recorded.Id, LineageRecord.Read(output).Id);
    }

    [Fact]
    public async Task A_feedback_file_with_a_bad_line_fails_before_training_naming_the_line()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var feedback = SyntheticFeedback.Write(work.Path, "votes.jsonl", prompts: 12);
        var lines = File.ReadAllLines(feedback).ToList();
        lines.Insert(4, "{\"prompt\": \"p\", \"response\": \"r\", \"rating\": \"sideways\"}");
        File.WriteAllLines(feedback, lines);
        var output = Path.Combine(work.Path, "rm");

        var result = await Run("align", "rm", "--model", model.Path, "--feedback", feedback, "--out", output);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {feedback}:5: rating must be", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }
}
