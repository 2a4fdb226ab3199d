using System.Text.Json;
using DomainAssistant.Model.Checkpoints;

namespace DomainAssistant.Cli.Tests;

/// <summary>`da inspect --model DIR` reports what the readers recognised in a folder, from headers only.</summary>
public sealed class InspectTests
{
    static string ShippedModel()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DomainAssistant.sln")))
                return Path.Combine(dir.FullName, "domains", "tidewell-support", "model", "base");
        throw new InvalidOperationException("DomainAssistant.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task Reports_family_parameters_tokenizer_pipeline_template_and_ignored_fields()
    {
        var folder = ShippedModel();
        var config = HuggingFaceConfig.Read(Path.Combine(folder, "config.json"));
        var parameters = new LlamaWeightLayout(config).Weights.Sum(w => w.Shape.Aggregate(1L, (a, b) => a * b));

        var run = await CliRun.InvokeAsync("inspect", "--model", folder, "--json");

        Assert.Equal(0, run.ExitCode);
        using var report = JsonDocument.Parse(run.Output);
        var root = report.RootElement;
        Assert.Equal("llama", root.GetProperty("family").GetString());
        Assert.Equal(parameters, root.GetProperty("parameters").GetInt64());
        Assert.Equal(config.MaxPositionEmbeddings, root.GetProperty("context").GetInt32());
        Assert.StartsWith("tokenizer.json: normalizer none; pre-tokenizer ByteLevel", root.GetProperty("tokenizer").GetString());
        Assert.Equal("chatml, rendered from tokenizer_config.json's chat_template", root.GetProperty("template").GetString());
        Assert.Contains("config.json initializer_range", root.GetProperty("ignored").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Prints_one_line_per_finding_without_json()
    {
        var run = await CliRun.InvokeAsync("inspect", "--model", ShippedModel());

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("family:         llama", run.Output);
        Assert.Contains("template:       chatml, rendered", run.Output);
    }

    [Fact]
    public async Task A_folder_without_a_config_is_refused_by_name()
    {
        var run = await CliRun.InvokeAsync("inspect", "--model", "/nonexistent/model");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: '/nonexistent/model' has no config.json", run.Error);
    }
}
