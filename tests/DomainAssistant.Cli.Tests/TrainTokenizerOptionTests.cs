using System.Text.Json;
using DomainAssistant.Model.Tests.Support;

namespace DomainAssistant.Cli.Tests;

/// <summary>
/// `da train eval` and `da train sft` on a llama2.c .bin, which carries no tokenizer: --tokenizer supplies it, as for
/// `da generate` (stories260K with tok512.bin, from ../shared/models).
/// </summary>
public sealed class TrainTokenizerOptionTests : IDisposable
{
    readonly string _work = Directory.CreateTempSubdirectory("da-train-tokenizer-").FullName;

    string Data()
    {
        var path = Path.Combine(_work, "stories.jsonl");
        var lines = Enumerable.Range(0, 8).Select(i => JsonSerializer.Serialize(new
        {
            prompt = $"Once upon a time there was a little girl number {i}.",
            response = " She liked to play in the park with her dog.",
        }));
        File.WriteAllLines(path, lines);
        return path;
    }

    [Stories260KFact]
    public async Task Eval_scores_a_llama2c_bin_with_the_tokenizer_given()
    {
        var run = await CliRun.InvokeAsync("train", "eval", "--model", SharedModels.Stories260KBin, "--tokenizer", SharedModels.Tok512Bin,
            "--data", Data(), "--seq-len", "64", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        using var result = JsonDocument.Parse(run.Output);
        Assert.Equal(8, result.RootElement.GetProperty("examples").GetInt32());
        Assert.InRange(result.RootElement.GetProperty("loss").GetDouble(), 0.01, 20);
    }

    [Stories260KFact]
    public async Task Sft_tunes_an_adapter_over_a_llama2c_bin_with_the_tokenizer_given()
    {
        var adapter = Path.Combine(_work, "adapter");
        var run = await CliRun.InvokeAsync("train", "sft", "--model", SharedModels.Stories260KBin, "--tokenizer", SharedModels.Tok512Bin,
            "--data", Data(), "--out", adapter, "--epochs", "1", "--batch", "2", "--seq-len", "64", "--rank", "2", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(File.Exists(Path.Combine(adapter, "adapter_model.safetensors")));

        var generate = await CliRun.InvokeAsync("generate", "--model", SharedModels.Stories260KBin, "--tokenizer", SharedModels.Tok512Bin,
            "--adapter", adapter, "--prompt", "Once upon a time", "--max-tokens", "4", "--temperature", "0", "--json");
        Assert.True(generate.ExitCode == 0, generate.Error);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
