namespace DomainAssistant.Cli.Tests;

public class GenerateErrorTests
{
    [Fact]
    public async Task A_missing_model_is_one_clear_line_and_exit_code_1()
    {
        var run = await CliRun.InvokeAsync("generate", "--model", "/nonexistent/model.bin", "--prompt", "hi");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("model not found: /nonexistent/model.bin", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public async Task A_corrupt_checkpoint_names_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(path, new byte[100]);
        try
        {
            var run = await CliRun.InvokeAsync("generate", "--model", path, "--tokenizer", path, "--prompt", "hi");
            Assert.Equal(1, run.ExitCode);
            Assert.Contains(path, run.Error);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
