using System.CommandLine;
using System.Text.Json;
using DomainAssistant.Cli;
using DomainAssistant.Training.Tests.Support;

namespace DomainAssistant.Training.Tests.Cli;

/// <summary>`da train` end to end on tiny shapes: exit codes, the --json summary line, events, stderr reports.</summary>
public sealed class TrainCommandTests(TrainedTokenizer tokenizer) : IClassFixture<TrainedTokenizer>
{
    static readonly string[] SummaryFields = ["eval_loss_before", "eval_loss_after", "train_tokens", "tokens_per_second"];

    [Fact]
    public async Task Base_with_json_trains_a_tokenizer_and_model_that_generate_loads()
    {
        using var work = new TempFolder();
        work.File("corpus/a.txt", SampleCorpus.Text(600));
        var output = Path.Combine(work.Path, "base");

        var result = await Run("train", "base", "--corpus", Path.Combine(work.Path, "corpus"), "--size", "tiny", "--out", output,
            "--steps", "3", "--vocab-size", "300", "--batch", "2", "--seq-len", "32", "--json", "--ledger", Path.Combine(work.Path, "lineage.db"));

        Assert.Equal(0, result.ExitCode);
        var summary = LastLine(result.Output);
        Assert.Equal(("schedule", true), (summary.GetProperty("stop_reason").GetString(), summary.GetProperty("completed").GetBoolean()));
        Assert.All(SummaryFields, f => Assert.True(summary.GetProperty(f).GetDouble() > 0, f));
        Assert.Equal(Path.GetFullPath(output), summary.GetProperty("output").GetString());
        Assert.Equal(3 * 2 * 32, summary.GetProperty("train_tokens").GetInt64());
        var generated = await Run("generate", "--model", output, "--prompt", "the", "--max-tokens", "4", "--temperature", "0", "--json");
        Assert.Equal(0, generated.ExitCode);
    }

    [Fact]
    public async Task Sft_with_json_ends_stdout_with_the_summary_and_reports_corrupt_lines_by_file_and_line()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var lines = QuestionAnswers.Lines(24).ToList();
        lines.Insert(1, "{\"prompt\": \"unfinished\"");
        var data = work.File("qa.jsonl", string.Join('\n', lines));
        var events = Path.Combine(work.Path, "events.jsonl");

        var result = await Run("train", "sft", "--model", model.Path, "--data", data, "--out", Path.Combine(work.Path, "adapter"),
            "--epochs", "1", "--batch", "4", "--seq-len", "64", "--json", "--events", events, "--ledger", Path.Combine(work.Path, "lineage.db"));

        Assert.Equal(0, result.ExitCode);
        var summary = LastLine(result.Output);
        Assert.All(SummaryFields, f => Assert.True(summary.GetProperty(f).GetDouble() > 0, f));
        Assert.Contains($"skipped {data}:2: not valid JSON", result.Error);
        Assert.Equal($"{data}:2", summary.GetProperty("skipped_lines")[0].GetString()![..(data.Length + 2)]);
        var phases = File.ReadLines(events).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("phase").GetString()).ToList();
        Assert.Equal("started", phases[0]);
        Assert.Contains("step", phases);
        Assert.Equal("finished", phases[^1]);
        Assert.True(File.Exists(Path.Combine(work.Path, "adapter", "adapter_model.safetensors")));
    }

    static JsonElement LastLine(string output) =>
        JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;

    static async Task<(int ExitCode, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApplication.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
