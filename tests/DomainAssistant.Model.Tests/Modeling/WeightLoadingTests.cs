using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Modeling;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Modeling;

public class WeightLoadingTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void State_names_and_shapes_are_the_hugging_face_keys(bool tied, bool bias)
    {
        var config = RandomLlama.Config(tied: tied, bias: bias);
        using var model = LlamaForCausalLM.Create(config);
        var expected = new LlamaWeightLayout(config).Weights.ToDictionary(w => w.Name, w => w.Shape.ToArray());
        var actual = model.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, shape) in expected) Assert.Equal(shape, actual[name]);
    }

    [Fact]
    public void Loaded_weights_reproduce_the_source_model_exactly()
    {
        var config = RandomLlama.Config(bias: true);
        using var source = RandomLlama.Create(config);
        using var target = LlamaForCausalLM.Create(config);
        target.LoadWeights(source.state_dict());
        using var ids = RandomLlama.Ids(2, 7, config.VocabSize, seed: 14);
        using var expected = source.Forward(ids);
        using var actual = target.Forward(ids);
        Assert.True(expected.Equals(actual)); // torch.equal: same shape and bit-identical values
    }

    [Fact]
    public void Bfloat16_weights_load_into_a_float32_model()
    {
        var config = RandomLlama.Config();
        using var source = RandomLlama.Create(config);
        var halfPrecision = source.state_dict().ToDictionary(p => p.Key, p => p.Value.to_type(ScalarType.BFloat16));
        using var target = LlamaForCausalLM.Create(config);
        target.LoadWeights(halfPrecision);
        using var loaded = target.state_dict()["model.norm.weight"].to_type(ScalarType.BFloat16);
        Assert.True(loaded.Equals(halfPrecision["model.norm.weight"]));
        Assert.Equal(ScalarType.Float32, target.DType);
        foreach (var t in halfPrecision.Values) t.Dispose();
    }

    [Fact]
    public void A_missing_key_is_named_in_the_error()
    {
        var config = RandomLlama.Config();
        using var model = LlamaForCausalLM.Create(config);
        var weights = model.state_dict().Where(p => p.Key != "model.layers.1.mlp.up_proj.weight").ToDictionary(p => p.Key, p => p.Value);
        var error = Assert.Throws<InvalidDataException>(() => model.LoadWeights(weights));
        Assert.Contains("missing 'model.layers.1.mlp.up_proj.weight'", error.Message);
        Assert.Contains("[56, 32]", error.Message);
    }

    [Fact]
    public void A_mis_shaped_key_is_refused_before_anything_is_copied()
    {
        var config = RandomLlama.Config();
        using var model = RandomLlama.Create(config);
        using var before = model.state_dict()["model.embed_tokens.weight"].clone();
        using var other = RandomLlama.Create(config, seed: 99);
        var weights = other.state_dict().ToDictionary(p => p.Key, p => p.Value);
        using var wrong = zeros(32, 32);
        weights["model.norm.weight"] = wrong;
        var error = Assert.Throws<InvalidDataException>(() => model.LoadWeights(weights));
        Assert.Contains("'model.norm.weight' has shape [32, 32], the model expects [32]", error.Message);
        Assert.True(before.Equals(model.state_dict()["model.embed_tokens.weight"]));
    }

    [Fact]
    public void Unexpected_keys_are_refused_but_a_tied_models_lm_head_and_rotary_buffers_are_ignored()
    {
        using var untied = LlamaForCausalLM.Create(RandomLlama.Config());
        var withHead = untied.state_dict().ToDictionary(p => p.Key, p => p.Value);
        using var tied = LlamaForCausalLM.Create(RandomLlama.Config(tied: true));
        using var inverseFrequencies = ones(4);
        withHead["model.layers.0.self_attn.rotary_emb.inv_freq"] = inverseFrequencies;
        tied.LoadWeights(withHead);

        using var bias = zeros(32);
        withHead["model.layers.0.self_attn.q_proj.bias"] = bias;
        var error = Assert.Throws<InvalidDataException>(() => untied.LoadWeights(withHead));
        Assert.Contains("unexpected", error.Message);
        Assert.Contains("model.layers.0.self_attn.q_proj.bias", error.Message);
    }

    [Fact]
    public void Inputs_of_the_wrong_shape_or_type_are_refused()
    {
        using var model = LlamaForCausalLM.Create(RandomLlama.Config());
        using var floats = zeros(1, 3);
        Assert.Throws<ArgumentException>(() => model.Forward(floats));
        using var flat = zeros(3, ScalarType.Int64);
        Assert.Throws<ArgumentException>(() => model.Forward(flat));
        using var tooLong = zeros(1, 49, ScalarType.Int64);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(tooLong));
    }
}
