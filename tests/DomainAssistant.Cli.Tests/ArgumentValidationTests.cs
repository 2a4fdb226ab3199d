namespace DomainAssistant.Cli.Tests;

/// <summary>Bad values are refused in one line on stderr that names the flag the user typed.</summary>
public class ArgumentValidationTests
{
    // On Linux the runtime decodes argv as UTF-8 and puts U+FFFD where the bytes are not UTF-8 (`--prompt $'\xff'`
    // arrives as "\uFFFD"), so that is what these tests pass.
    [Fact]
    public async Task A_prompt_that_was_not_utf8_is_refused_naming_the_option()
    {
        var run = await CliRun.InvokeAsync("generate", "--model", "/nonexistent/model.bin", "--prompt", "Once \uFFFD", "--max-tokens", "5");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: --prompt is not valid UTF-8", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task A_stop_string_that_was_not_utf8_is_refused_naming_the_option()
    {
        var run = await CliRun.InvokeAsync("generate", "--model", "/nonexistent/model.bin", "--prompt", "hi", "--stop", "\uFFFD");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: --stop is not valid UTF-8", run.Error);
    }

    [Fact]
    public async Task Encode_text_that_was_not_utf8_is_refused_as_a_non_utf8_file_is()
    {
        var run = await CliRun.InvokeAsync("tokenizer", "encode", "--tokenizer", "/nonexistent/tokenizer.json", "--text", "a\uFFFDb", "--json");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: --text is not valid UTF-8", run.Error);
    }

    [Theory]
    [InlineData("--max-tokens", "-5", "--max-tokens must be >= 0 (got -5)", "MaxTokens")]
    [InlineData("--temperature", "-1", "--temperature must be >= 0 (got -1)", "Temperature")]
    [InlineData("--top-k", "-2", "--top-k must be >= 0 (got -2)", "TopK")]
    [InlineData("--top-p", "0", "--top-p must be in (0, 1] (got 0)", "TopP")]
    [InlineData("--repetition-penalty", "0", "--repetition-penalty must be > 0 (got 0)", "RepetitionPenalty")]
    public async Task A_sampling_value_out_of_range_names_the_flag_not_the_property(string flag, string value, string expected, string property)
    {
        var run = await CliRun.InvokeAsync("generate", "--model", "/nonexistent/model.bin", "--prompt", "hi", flag, value);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error: {expected}", run.Error);
        Assert.DoesNotContain(property, run.Error);
    }
}
