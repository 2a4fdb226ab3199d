using System.Text.Json;
using DomainAssistant.Model.Checkpoints;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Checkpoints;

public sealed class HuggingFaceFolderTests : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    static void AssertSameWeights(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected) RandomTensors.AssertIdentical(tensor, actual[name]);
    }

    [Fact]
    public void Saves_and_loads_a_tiny_model_folder_in_its_stored_dtype()
    {
        var config = TinyLlama.Config();
        var weights = TinyLlama.Weights(config, ScalarType.BFloat16);
        HuggingFaceFolder.Save(_folder.Path, config, weights);

        Assert.True(File.Exists(_folder.File("config.json")));
        Assert.True(File.Exists(_folder.File("generation_config.json")));
        Assert.True(File.Exists(_folder.File("model.safetensors")));
        Assert.False(File.Exists(_folder.File(SafeTensorsIndex.FileName)));
        Assert.Equal("pt", SafeTensors.LoadMetadata(_folder.File("model.safetensors"))["format"]);

        var (loadedConfig, loaded) = HuggingFaceFolder.Load(_folder.Path);
        Assert.Equal(config, loadedConfig);
        AssertSameWeights(weights, loaded);
        RandomTensors.DisposeAll(weights.Values.Concat(loaded.Values));
    }

    [Fact]
    public void Shards_above_the_size_limit_and_loads_the_shards_back()
    {
        var config = TinyLlama.Config(modelType: "qwen2", bias: true);
        var weights = TinyLlama.Weights(config, ScalarType.Float32);
        HuggingFaceFolder.Save(_folder.Path, config, weights, maxShardBytes: 1024);

        Assert.False(File.Exists(_folder.File("model.safetensors")));
        var shards = Directory.GetFiles(_folder.Path, "model-*-of-*.safetensors");
        Assert.True(shards.Length >= 3, $"expected at least 3 shards, got {shards.Length}");

        var (loadedConfig, loaded) = HuggingFaceFolder.Load(_folder.Path);
        Assert.True(loadedConfig.AttentionBias);
        AssertSameWeights(weights, loaded);
        RandomTensors.DisposeAll(weights.Values.Concat(loaded.Values));
    }

    [Fact]
    public void Saving_keeps_tokenizer_files_and_removes_only_stale_weight_files()
    {
        var config = TinyLlama.Config();
        var weights = TinyLlama.Weights(config);
        File.WriteAllText(_folder.File("tokenizer.json"), "{}");
        File.WriteAllText(_folder.File("model-00001-of-00009.safetensors"), "stale");

        HuggingFaceFolder.Save(_folder.Path, config, weights, maxShardBytes: 200);
        Assert.False(File.Exists(_folder.File("model-00001-of-00009.safetensors")));
        Assert.True(File.Exists(_folder.File(SafeTensorsIndex.FileName)));

        HuggingFaceFolder.Save(_folder.Path, config, weights);
        Assert.Equal(
            ["config.json", "generation_config.json", "model.safetensors", "tokenizer.json"],
            Directory.GetFiles(_folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        RandomTensors.DisposeAll(weights.Values);
    }

    [Fact]
    public void A_tied_lm_head_in_the_file_is_skipped_on_load_and_not_written_on_save()
    {
        var config = TinyLlama.Config(tied: true);
        var weights = TinyLlama.Weights(config);
        using var head = RandomTensors.Of(ScalarType.BFloat16, [16, 8], seed: 99);
        weights["lm_head.weight"] = head;
        HuggingFaceConfig.Write(_folder.File("config.json"), config);
        SafeTensors.Save(_folder.File("model.safetensors"), weights);

        var (_, loaded) = HuggingFaceFolder.Load(_folder.Path);
        Assert.False(loaded.ContainsKey("lm_head.weight"));
        Assert.True(loaded.ContainsKey("model.embed_tokens.weight"));
        RandomTensors.DisposeAll(loaded.Values);

        HuggingFaceFolder.Save(_folder.Path, config, weights);
        using var file = SafeTensorsFile.Open(_folder.File("model.safetensors"));
        Assert.False(file.Contains("lm_head.weight"));
        RandomTensors.DisposeAll(weights.Values.Where(t => !ReferenceEquals(t, head)));
    }

    [Fact]
    public void Load_reports_a_layout_mismatch_naming_the_weights_file_before_reading_tensors()
    {
        var config = TinyLlama.Config();
        var weights = TinyLlama.Weights(config);
        HuggingFaceFolder.Save(_folder.Path, config, weights);
        RandomTensors.DisposeAll(weights.Values);
        HuggingFaceConfig.Write(_folder.File("config.json"), config with { VocabSize = 32, NumHiddenLayers = 1 });

        var error = Assert.Throws<InvalidDataException>(() => HuggingFaceFolder.Load(_folder.Path));
        Assert.Contains(_folder.File("model.safetensors"), error.Message);
        Assert.Contains("model.embed_tokens.weight expected [32, 8], got [16, 8]", error.Message);
        Assert.Contains("unexpected keys (9)", error.Message);
    }

    [Fact]
    public void Save_refuses_weights_that_do_not_fit_the_config_and_writes_nothing()
    {
        var config = TinyLlama.Config();
        var weights = TinyLlama.Weights(config);
        weights.Remove("model.norm.weight", out var norm);
        norm!.Dispose();

        var error = Assert.Throws<InvalidDataException>(() => HuggingFaceFolder.Save(_folder.Path, config, weights));
        Assert.Contains("missing keys (1): model.norm.weight", error.Message);
        Assert.Empty(Directory.GetFiles(_folder.Path));
        RandomTensors.DisposeAll(weights.Values);
    }

    [Fact]
    public void A_folder_without_weights_or_config_says_which_files_it_looked_for()
    {
        var noConfig = Assert.Throws<FileNotFoundException>(() => HuggingFaceFolder.Load(_folder.Path));
        Assert.Contains("config.json", noConfig.Message);

        HuggingFaceConfig.Write(_folder.File("config.json"), TinyLlama.Config());
        var noWeights = Assert.Throws<FileNotFoundException>(() => HuggingFaceFolder.Load(_folder.Path));
        Assert.Contains(_folder.Path, noWeights.Message);
        Assert.Contains("model.safetensors", noWeights.Message);
        Assert.Contains(SafeTensorsIndex.FileName, noWeights.Message);
    }

    [Fact]
    public void The_generation_config_gets_the_token_ids_and_keeps_other_settings()
    {
        File.WriteAllText(_folder.File("generation_config.json"), """{"temperature":0.6,"top_p":0.9,"eos_token_id":[7,8]}""");
        var config = TinyLlama.Config() with { BosTokenId = 3, EosTokenId = 7 };
        var weights = TinyLlama.Weights(config);
        HuggingFaceFolder.Save(_folder.Path, config, weights);
        RandomTensors.DisposeAll(weights.Values);

        using var json = JsonDocument.Parse(File.ReadAllText(_folder.File("generation_config.json")));
        var root = json.RootElement;
        Assert.Equal(0.6, root.GetProperty("temperature").GetDouble());
        Assert.Equal(3, root.GetProperty("bos_token_id").GetInt32());
        Assert.Equal([7, 8], root.GetProperty("eos_token_id").EnumerateArray().Select(e => e.GetInt32()));

        var more = TinyLlama.Weights(config);
        HuggingFaceFolder.Save(_folder.Path, config with { EosTokenId = 2 }, more);
        RandomTensors.DisposeAll(more.Values);
        using var again = JsonDocument.Parse(File.ReadAllText(_folder.File("generation_config.json")));
        Assert.Equal(2, again.RootElement.GetProperty("eos_token_id").GetInt32());
    }
}
