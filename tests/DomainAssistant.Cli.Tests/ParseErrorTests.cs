namespace DomainAssistant.Cli.Tests;

/// <summary>A command line that does not parse: errors and the help shown with them on stderr, stdout left empty.</summary>
public class ParseErrorTests
{
    [Theory]
    [InlineData("generate", "--bogus", "--json")]
    [InlineData("generate", "--json")]
    [InlineData("train", "eval", "--model", "m", "--data", "d", "--jsn")]
    public async Task Errors_and_help_go_to_stderr_with_a_non_zero_exit_code_and_stdout_stays_empty(params string[] args)
    {
        var run = await CliRun.InvokeAsync(args);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Contains("Usage:", run.Error);
    }

    [Fact]
    public async Task The_unknown_flag_is_named_on_stderr()
    {
        var run = await CliRun.InvokeAsync("generate", "--model", "m.bin", "--prompt", "hi", "--bogus");
        Assert.Contains("'--bogus'", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task Help_asked_for_still_goes_to_stdout()
    {
        var run = await CliRun.InvokeAsync("train", "sft", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output);
        Assert.Equal("", run.Error);
    }
}
