using System.CommandLine;
using System.Text.Json;
using DomainAssistant.Cli;
using DomainAssistant.Training.Tests.Support;

namespace DomainAssistant.Training.Tests.Cli;

/// <summary>`da tokenizer ...` run in-process through the real command tree, with stdout and stderr captured.</summary>
public sealed class TokenizerCommandTests
{
    [Fact]
    public async Task Train_then_encode_prints_json_with_ids_and_the_decoded_text()
    {
        using var folder = new TempFolder();
        folder.File("corpus/shop.txt", SampleCorpus.Text(1500));
        var output = Path.Combine(folder.Path, "tok");

        var train = await Run("tokenizer", "train", "--corpus", Path.Combine(folder.Path, "corpus"), "--vocab-size", "600", "--out", output, "--json");

        Assert.Equal(0, train.ExitCode);
        using (var summary = JsonDocument.Parse(train.Output.TrimEnd().Split('\n')[^1]))
        {
            Assert.Equal(600, summary.RootElement.GetProperty("vocab_size").GetInt32());
            Assert.True(summary.RootElement.GetProperty("merges").GetInt32() >= 600 - 260);
            Assert.Equal(new FileInfo(Path.Combine(folder.Path, "corpus", "shop.txt")).Length, summary.RootElement.GetProperty("corpus_bytes").GetInt64());
            Assert.True(summary.RootElement.GetProperty("seconds").GetDouble() >= 0);
            Assert.Equal(Path.GetFullPath(output), summary.RootElement.GetProperty("output").GetString());
        }
        Assert.Contains("merges", train.Error);

        const string text = "<|im_start|>user\nRefund for 2 orders? 🙂<|im_end|>";
        var encode = await Run("tokenizer", "encode", "--tokenizer", output, "--text", text, "--json");

        Assert.Equal(0, encode.ExitCode);
        using var result = JsonDocument.Parse(encode.Output.Trim());
        Assert.Equal(["ids", "decoded"], result.RootElement.EnumerateObject().Select(property => property.Name));
        var ids = result.RootElement.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()).ToList();
        Assert.Equal(1, ids[0]);
        Assert.Equal(2, ids[^1]);
        Assert.Equal(text, result.RootElement.GetProperty("decoded").GetString());
    }

    [Fact]
    public async Task Encode_reads_a_file_when_given_one()
    {
        using var folder = new TempFolder();
        folder.File("corpus/a.md", SampleCorpus.Text(500));
        var tokenizer = Path.Combine(folder.Path, "tok");
        Assert.Equal(0, (await Run("tokenizer", "train", "--corpus", Path.Combine(folder.Path, "corpus"), "--vocab-size", "300", "--out", tokenizer)).ExitCode);
        var input = folder.File("input.txt", "tabs\tand\nnew lines  ");

        var encode = await Run("tokenizer", "encode", "--tokenizer", tokenizer, "--file", input, "--json");

        using var result = JsonDocument.Parse(encode.Output.Trim());
        Assert.Equal("tabs\tand\nnew lines  ", result.RootElement.GetProperty("decoded").GetString());
    }

    [Fact]
    public async Task Encode_refuses_both_text_and_file_with_one_error_line()
    {
        var result = await Run("tokenizer", "encode", "--tokenizer", "/nowhere", "--text", "a", "--file", "b", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: give exactly one of --text and --file.", result.Error.Trim());
    }

    [Fact]
    public async Task Train_reports_a_corrupt_corpus_file_by_name()
    {
        using var folder = new TempFolder();
        folder.File("good.txt", SampleCorpus.Text(50));
        var bad = folder.File("bad.txt", [0x61, 0x0A, 0xFE, 0x0A]);

        var result = await Run("tokenizer", "train", "--corpus", folder.Path, "--vocab-size", "300", "--out", Path.Combine(folder.Path, "tok"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: corpus file '{bad}' is not valid UTF-8", result.Error);
        Assert.Contains("line 2", result.Error);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "tok")));
    }

    [Fact]
    public async Task Train_refuses_a_vocabulary_too_small_for_the_bytes()
    {
        using var folder = new TempFolder();
        folder.File("a.txt", "text");

        var result = await Run("tokenizer", "train", "--corpus", folder.Path, "--vocab-size", "100", "--out", Path.Combine(folder.Path, "tok"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("at least 260", result.Error);
    }

    static async Task<(int ExitCode, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApplication.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
