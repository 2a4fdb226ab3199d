using DomainAssistant.Model.Lora;

namespace DomainAssistant.Model.Tests.Lora;

public class LoraConfigTests
{
    const string PeftWritten = """
        {
          "alpha_pattern": {},
          "auto_mapping": null,
          "base_model_name_or_path": "HuggingFaceTB/SmolLM2-135M",
          "bias": "none",
          "fan_in_fan_out": false,
          "inference_mode": true,
          "init_lora_weights": true,
          "layers_pattern": null,
          "layers_to_transform": null,
          "lora_alpha": 32,
          "lora_dropout": 0.05,
          "modules_to_save": null,
          "peft_type": "LORA",
          "r": 16,
          "rank_pattern": {},
          "revision": null,
          "target_modules": ["v_proj", "q_proj"],
          "task_type": "CAUSAL_LM",
          "use_dora": false,
          "use_rslora": false
        }
        """;

    [Fact]
    public void Reads_an_adapter_config_as_peft_writes_it()
    {
        var config = LoraConfig.FromJson(PeftWritten, "adapter_config.json");
        Assert.Equal(16, config.R);
        Assert.Equal(32, config.LoraAlpha);
        Assert.Equal(2.0, config.Scaling);
        Assert.Equal(0.05, config.LoraDropout);
        Assert.Equal("HuggingFaceTB/SmolLM2-135M", config.BaseModelNameOrPath);
        Assert.True(config.TargetModules.Matches("model.layers.3.self_attn.q_proj"));
        Assert.False(config.TargetModules.Matches("model.layers.3.self_attn.k_proj"));
        Assert.False(config.TargetModules.Matches("model.layers.3.self_attn.xq_proj"));
    }

    [Fact]
    public void Writes_json_that_reads_back_equal()
    {
        var config = new LoraConfig { R = 8, LoraAlpha = 16, TargetModules = LoraTargets.Matching(@".*\.mlp\..*"), UseRslora = true };
        var again = LoraConfig.FromJson(config.ToJson(), "roundtrip");
        Assert.Equal(config, again);
        Assert.Equal(16 / Math.Sqrt(8), again.Scaling, 12);
        Assert.Contains("\"target_modules\": \".*\\\\.mlp\\\\..*\"", config.ToJson());
        Assert.Equal(LoraTargets.AllLinear, LoraConfig.FromJson("""{"target_modules": "all-linear"}""", "x").TargetModules);
    }

    [Theory]
    [InlineData("""{"bias": "all"}""", "bias")]
    [InlineData("""{"r": 0}""", "r must be positive")]
    [InlineData("""{"peft_type": "IA3"}""", "peft_type")]
    [InlineData("""{"fan_in_fan_out": true}""", "fan_in_fan_out")]
    [InlineData("""{"use_dora": true}""", "use_dora")]
    [InlineData("""{"layers_to_transform": [0, 1]}""", "layers_to_transform")]
    [InlineData("""{"target_modules": 5}""", "target_modules")]
    [InlineData("""{"target_modules": "(unclosed"}""", "target_modules")]
    [InlineData("""not json""", "not a valid adapter_config.json")]
    public void Unsupported_or_broken_configs_are_refused_naming_the_file_and_field(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => LoraConfig.FromJson(json, "/adapters/x/adapter_config.json"));
        Assert.Contains("/adapters/x/adapter_config.json", error.Message);
        Assert.Contains(expected, error.Message);
    }
}
