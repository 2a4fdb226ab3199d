using System.Text.Json.Nodes;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Model.Tests.Modeling;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Lora;

public sealed class PeftAdapterTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("da-peft-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    static readonly LoraConfig Config = new()
    {
        R = 4, LoraAlpha = 16, LoraDropout = 0.05, BaseModelNameOrPath = "stories260K",
        TargetModules = LoraTargets.Of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
    };

    [Fact]
    public void Saving_and_loading_an_adapter_is_bit_identical_and_gives_the_same_logits()
    {
        using var model = RandomLlama.Create(RandomLlama.Config());
        model.AddAdapter("saved", Config, seed: 40);
        LoraForwardTests.Perturb(model, "saved", seed: 41);
        PeftAdapter.Save(_folder, model, "saved");

        using var other = RandomLlama.Create(RandomLlama.Config());
        var loadedConfig = PeftAdapter.Load(_folder, other, "loaded");
        Assert.Equal(Config with { InferenceMode = true }, loadedConfig);
        var expected = model.AdapterParameters("saved").ToList();
        var actual = other.AdapterParameters("loaded").ToList();
        Assert.Equal(expected.Select(p => p.Key), actual.Select(p => p.Key));
        for (var i = 0; i < expected.Count; i++) Assert.True(expected[i].Parameter.Equals(actual[i].Parameter), $"{expected[i].Key} changed in the round trip");

        using var ids = RandomLlama.Ids(1, 6, 40, seed: 42);
        using var before = model.Forward(ids, ["saved"]);
        using var after = other.Forward(ids, ["loaded"]);
        Assert.True(before.Equals(after));
    }

    [Fact]
    public void The_folder_holds_peft_keys_without_the_adapter_name_and_peft_config_fields()
    {
        using var model = RandomLlama.Create(RandomLlama.Config());
        model.AddAdapter("my-adapter", Config, seed: 43);
        PeftAdapter.Save(_folder, model, "my-adapter");

        var tensors = SafeTensors.Load(Path.Combine(_folder, PeftAdapter.WeightsFileName));
        try
        {
            Assert.Equal(2 * 7 * 2, tensors.Count);
            Assert.Equal([4L, 32], tensors["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"].shape);
            Assert.Equal([56L, 4], tensors["base_model.model.model.layers.1.mlp.up_proj.lora_B.weight"].shape);
            Assert.DoesNotContain(tensors.Keys, key => key.Contains("my-adapter", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, PeftAdapter.ConfigFileName)))!;
        Assert.Equal("LORA", (string?)json["peft_type"]);
        Assert.Equal("CAUSAL_LM", (string?)json["task_type"]);
        Assert.Equal(4, (int?)json["r"]);
        Assert.Equal(16, (double?)json["lora_alpha"]);
        Assert.Equal("none", (string?)json["bias"]);
        Assert.False((bool?)json["fan_in_fan_out"]);
        Assert.Equal("stories260K", (string?)json["base_model_name_or_path"]);
        Assert.Equal(7, json["target_modules"]!.AsArray().Count);
    }

    [Fact]
    public void An_adapter_whose_tensors_do_not_fit_the_model_is_refused()
    {
        using var model = RandomLlama.Create(RandomLlama.Config());
        model.AddAdapter("small", Config, seed: 44);
        PeftAdapter.Save(_folder, model, "small");
        using var wider = LlamaForCausalLM.Create(RandomLlama.Config() with { IntermediateSize = 64 });
        var error = Assert.Throws<InvalidDataException>(() => PeftAdapter.Load(_folder, wider, "small"));
        Assert.Contains("gate_proj.lora_B.weight", error.Message);
        Assert.Contains(PeftAdapter.WeightsFileName, error.Message);
        Assert.Empty(wider.Adapters.Names);

        File.WriteAllText(Path.Combine(_folder, PeftAdapter.ConfigFileName), (Config with { TargetModules = LoraTargets.Of("q_proj") }).ToJson());
        using var same = LlamaForCausalLM.Create(RandomLlama.Config());
        Assert.Contains("do not belong", Assert.Throws<InvalidDataException>(() => PeftAdapter.Load(_folder, same, "small")).Message);
    }

    [Fact]
    public void A_folder_without_the_files_is_refused_with_the_missing_file_named()
    {
        using var model = RandomLlama.Create(RandomLlama.Config());
        var error = Assert.Throws<FileNotFoundException>(() => PeftAdapter.Load(_folder, model, "x"));
        Assert.Contains(PeftAdapter.ConfigFileName, error.Message);
    }

    [Fact]
    public void Merged_weights_reproduce_the_adapter_forward()
    {
        var config = RandomLlama.Config(bias: true);
        using var model = RandomLlama.Create(config);
        model.AddAdapter("merge", Config with { UseRslora = true }, seed: 45);
        LoraForwardTests.Perturb(model, "merge", seed: 46);
        var merged = model.Adapters.MergedWeights("merge");
        using var exported = LlamaForCausalLM.Create(config);
        exported.LoadWeights(merged);
        foreach (var t in merged.Values) t.Dispose();

        using var ids = RandomLlama.Ids(2, 7, 40, seed: 47);
        using var adapted = model.Forward(ids, ["merge", "merge"]);
        using var viaMerge = exported.Forward(ids);
        using var baseOnly = model.Forward(ids);
        Assert.True(RandomLlama.MaxDifference(adapted, viaMerge) < 1e-4);
        Assert.True(RandomLlama.MaxDifference(adapted, baseOnly) > 0.01);
    }
}
