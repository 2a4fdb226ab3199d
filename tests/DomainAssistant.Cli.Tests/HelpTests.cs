namespace DomainAssistant.Cli.Tests;

public class HelpTests
{
    [Fact]
    public async Task Help_lists_every_command()
    {
        var run = await CliRun.InvokeAsync("--help");
        Assert.Equal(0, run.ExitCode);
        foreach (var command in new[] { "generate", "convert" })
            Assert.Contains(command, run.Output);
    }

    [Fact]
    public async Task Generate_help_documents_its_options()
    {
        var run = await CliRun.InvokeAsync("generate", "--help");
        foreach (var option in new[] { "--model", "--tokenizer", "--adapter", "--prompt", "--max-tokens", "--temperature", "--seed", "--json", "--trace" })
            Assert.Contains(option, run.Output);
    }
}
