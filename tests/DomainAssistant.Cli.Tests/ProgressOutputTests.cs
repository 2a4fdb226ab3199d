namespace DomainAssistant.Cli.Tests;

/// <summary>
/// Progress on a redirected stderr (a test's writer, like a log file) is plain lines, as docs/training.md promises:
/// no '\r' redraws, a line per phase and at most one progress line every 10 s.
/// </summary>
public sealed class ProgressOutputTests : IDisposable
{
    readonly string _work = Directory.CreateTempSubdirectory("da-progress-").FullName;

    string Corpus()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_work, "corpus")).FullName;
        var sentences = Enumerable.Range(0, 400).Select(i => $"The harbour pump {i % 17} needs its filter changed every {i % 9 + 2} weeks by the crew.");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), string.Join('\n', sentences));
        return folder;
    }

    [Fact]
    public async Task Tokenizer_training_writes_plain_lines_without_carriage_returns()
    {
        var run = await CliRun.InvokeAsync("tokenizer", "train", "--corpus", Corpus(), "--vocab-size", "300", "--out", Path.Combine(_work, "tok"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.DoesNotContain('\r', run.Error);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // The first state and the last; this run takes well under 10 s, so nothing in between.
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.Contains("merges", line));
    }

    [Fact]
    public async Task Base_training_writes_a_plain_line_per_phase_without_carriage_returns()
    {
        var run = await CliRun.InvokeAsync("train", "base", "--corpus", Corpus(), "--size", "tiny", "--out", Path.Combine(_work, "base"),
            "--steps", "4", "--vocab-size", "300", "--batch", "2", "--seq-len", "32", "--eval-every", "2", "--threads", "1");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.DoesNotContain('\r', run.Error);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("held-out loss before", StringComparison.Ordinal)); // started
        Assert.Contains(lines, l => l.Contains("base step 2: held-out loss", StringComparison.Ordinal)); // evaluated
        Assert.Contains(lines, l => l.Contains("base step 4: schedule", StringComparison.Ordinal)); // finished
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
