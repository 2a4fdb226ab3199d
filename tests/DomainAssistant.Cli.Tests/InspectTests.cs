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
        var ignored = root.GetProperty("ignored").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("config.json initializer_range", ignored);
        // Read now (decoding applies it where true, as transformers' decode does), so no longer reported as ignored.
        Assert.DoesNotContain("tokenizer_config.json clean_up_tokenization_spaces", ignored);
        Assert.DoesNotContain("tokenizer_config.json chat_template", ignored);
    }

    [Fact]
    public async Task Prints_one_line_per_finding_without_json()
    {
        var run = await CliRun.InvokeAsync("inspect", "--model", ShippedModel());

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("family:         llama", run.Output);
        Assert.Contains("template:       chatml, rendered", run.Output);
    }

    /// <summary>A copy of the shipped model to change files in (weights included: 16 MB).</summary>
    static string CopyOfShippedModel()
    {
        var copy = Directory.CreateTempSubdirectory("da-inspect-").FullName;
        foreach (var file in Directory.EnumerateFiles(ShippedModel()))
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    [Fact]
    public async Task Names_chat_template_jinja_when_the_template_comes_from_it()
    {
        // transformers 4.50+ saves the template there, and on loading it clobbers tokenizer_config.json's.
        var folder = CopyOfShippedModel();
        try
        {
            var configPath = Path.Combine(folder, "tokenizer_config.json");
            var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
            File.WriteAllText(Path.Combine(folder, "chat_template.jinja"), config["chat_template"]!.GetValue<string>());
            config.Remove("chat_template");
            File.WriteAllText(configPath, config.ToJsonString());

            var run = await CliRun.InvokeAsync("inspect", "--model", folder);

            Assert.Equal(0, run.ExitCode);
            Assert.Contains("template:       chatml, rendered from chat_template.jinja", run.Output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Says_when_decoding_cleans_up_tokenization_spaces()
    {
        // Llama 3's configs set clean_up_tokenization_spaces true; transformers' decode then removes " ." and the like.
        var folder = CopyOfShippedModel();
        try
        {
            var configPath = Path.Combine(folder, "tokenizer_config.json");
            var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
            config["clean_up_tokenization_spaces"] = true;
            File.WriteAllText(configPath, config.ToJsonString());

            var run = await CliRun.InvokeAsync("inspect", "--model", folder, "--json");

            Assert.Equal(0, run.ExitCode);
            using var report = JsonDocument.Parse(run.Output);
            Assert.EndsWith("; decoding cleans up tokenization spaces (tokenizer_config.json's clean_up_tokenization_spaces)",
                report.RootElement.GetProperty("tokenizer").GetString());
            Assert.DoesNotContain("tokenizer_config.json clean_up_tokenization_spaces",
                report.RootElement.GetProperty("ignored").EnumerateArray().Select(e => e.GetString()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Stop_ids_are_those_a_chat_answer_stops_on()
    {
        // Generation stops on EOS, on generation_config.json's eos_token_id (else config.json's) and on the template's
        // turn end; the report lists them all, not only the template's.
        var folder = CopyOfShippedModel();
        try
        {
            File.WriteAllText(Path.Combine(folder, "generation_config.json"), """{"bos_token_id": 0, "eos_token_id": [2, 3]}""");
            var withGenerationConfig = await CliRun.InvokeAsync("inspect", "--model", folder, "--json");
            File.Delete(Path.Combine(folder, "generation_config.json"));
            var configPath = Path.Combine(folder, "config.json");
            var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
            config["eos_token_id"] = new System.Text.Json.Nodes.JsonArray(2, 0);
            File.WriteAllText(configPath, config.ToJsonString());
            var withoutGenerationConfig = await CliRun.InvokeAsync("inspect", "--model", folder, "--json");

            Assert.Equal([2, 3], StopIds(withGenerationConfig));
            Assert.Equal([0, 2], StopIds(withoutGenerationConfig));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        static int[] StopIds(CliRun run)
        {
            Assert.Equal(0, run.ExitCode);
            using var report = JsonDocument.Parse(run.Output);
            return [.. report.RootElement.GetProperty("stop_token_ids").EnumerateArray().Select(e => e.GetInt32())];
        }
    }

    [Fact]
    public async Task A_folder_without_a_config_is_refused_by_name()
    {
        var run = await CliRun.InvokeAsync("inspect", "--model", "/nonexistent/model");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: '/nonexistent/model' has no config.json", run.Error);
    }
}
