using DomainAssistant.Model.Checkpoints;

namespace DomainAssistant.Model.Tests.Checkpoints;

public class LlamaWeightLayoutTests
{
    static List<KeyValuePair<string, IReadOnlyList<long>>> Matching(LlamaWeightLayout layout) =>
        layout.Weights.Select(w => KeyValuePair.Create(w.Name, w.Shape)).ToList();

    static Dictionary<string, long[]> Shapes(LlamaWeightLayout layout) => layout.Weights.ToDictionary(w => w.Name, w => w.Shape.ToArray());

    [Fact]
    public void Lists_the_hugging_face_names_and_shapes_of_a_grouped_query_llama()
    {
        // V=16, D=8, I=12, 2 layers, 2 heads of 4 dims sharing 1 kv head.
        var shapes = Shapes(new LlamaWeightLayout(TinyLlama.Config()));

        Assert.Equal(1 + 2 * 9 + 2, shapes.Count);
        Assert.Equal([16, 8], shapes["model.embed_tokens.weight"]);
        Assert.Equal([8], shapes["model.layers.1.input_layernorm.weight"]);
        Assert.Equal([8, 8], shapes["model.layers.0.self_attn.q_proj.weight"]);
        Assert.Equal([4, 8], shapes["model.layers.0.self_attn.k_proj.weight"]);
        Assert.Equal([4, 8], shapes["model.layers.1.self_attn.v_proj.weight"]);
        Assert.Equal([8, 8], shapes["model.layers.1.self_attn.o_proj.weight"]);
        Assert.Equal([8], shapes["model.layers.0.post_attention_layernorm.weight"]);
        Assert.Equal([12, 8], shapes["model.layers.0.mlp.gate_proj.weight"]);
        Assert.Equal([12, 8], shapes["model.layers.0.mlp.up_proj.weight"]);
        Assert.Equal([8, 12], shapes["model.layers.1.mlp.down_proj.weight"]);
        Assert.Equal([8], shapes["model.norm.weight"]);
        Assert.Equal([16, 8], shapes["lm_head.weight"]);
        Assert.DoesNotContain(shapes.Keys, name => name.EndsWith(".bias", StringComparison.Ordinal));
    }

    [Fact]
    public void Qwen2_adds_biases_on_q_k_and_v_only()
    {
        var shapes = Shapes(new LlamaWeightLayout(TinyLlama.Config(modelType: "qwen2", bias: true)));

        Assert.Equal([8], shapes["model.layers.0.self_attn.q_proj.bias"]);
        Assert.Equal([4], shapes["model.layers.1.self_attn.k_proj.bias"]);
        Assert.Equal([4], shapes["model.layers.1.self_attn.v_proj.bias"]);
        Assert.False(shapes.ContainsKey("model.layers.0.self_attn.o_proj.bias"));
        Assert.Equal(1 + 2 * 12 + 2, shapes.Count);
    }

    [Fact]
    public void A_tied_layout_expects_no_lm_head_but_accepts_a_correct_one()
    {
        var layout = new LlamaWeightLayout(TinyLlama.Config(tied: true));
        Assert.DoesNotContain(layout.Weights, w => w.Name == "lm_head.weight");
        layout.Validate(Matching(layout), "tied.safetensors");

        var withHead = Matching(layout);
        withHead.Add(KeyValuePair.Create("lm_head.weight", (IReadOnlyList<long>)[16L, 8L]));
        layout.Validate(withHead, "tied.safetensors");
        Assert.True(layout.IsIgnored("lm_head.weight"));

        withHead[^1] = KeyValuePair.Create("lm_head.weight", (IReadOnlyList<long>)[15L, 8L]);
        var error = Assert.Throws<InvalidDataException>(() => layout.Validate(withHead, "tied.safetensors"));
        Assert.Contains("lm_head.weight expected [16, 8], got [15, 8]", error.Message);
    }

    [Fact]
    public void Reports_missing_unexpected_and_mismatched_keys_in_one_message_naming_the_checkpoint()
    {
        var layout = new LlamaWeightLayout(TinyLlama.Config());
        var actual = Matching(layout)
            .Where(w => w.Key is not ("model.norm.weight" or "model.layers.1.mlp.up_proj.weight"))
            .Select(w => w.Key switch
            {
                "model.embed_tokens.weight" => KeyValuePair.Create(w.Key, (IReadOnlyList<long>)[17L, 8L]),
                "model.layers.0.self_attn.k_proj.weight" => KeyValuePair.Create(w.Key, (IReadOnlyList<long>)[8L, 8L]),
                _ => w,
            })
            .Append(KeyValuePair.Create("model.layers.0.self_attn.o_proj.bias", (IReadOnlyList<long>)[8L]))
            .ToList();

        var error = Assert.Throws<InvalidDataException>(() => layout.Validate(actual, "/ckpt/model.safetensors"));
        string message = error.Message;
        Assert.Contains("/ckpt/model.safetensors", message);
        Assert.Contains("missing keys (2): model.layers.1.mlp.up_proj.weight, model.norm.weight", message);
        Assert.Contains("unexpected keys (1): model.layers.0.self_attn.o_proj.bias", message);
        Assert.Contains("model.embed_tokens.weight expected [16, 8], got [17, 8]", message);
        Assert.Contains("model.layers.0.self_attn.k_proj.weight expected [4, 8], got [8, 8]", message);
        Assert.Contains("shape mismatches (2)", message);
    }

    [Fact]
    public void Old_rotary_inv_freq_buffers_are_ignored()
    {
        var layout = new LlamaWeightLayout(TinyLlama.Config());
        var actual = Matching(layout);
        actual.Add(KeyValuePair.Create("model.layers.0.self_attn.rotary_emb.inv_freq", (IReadOnlyList<long>)[2L]));
        layout.Validate(actual, "old.safetensors");
        Assert.DoesNotContain(layout.Weights, w => w.Name.Contains("inv_freq", StringComparison.Ordinal));
    }

    [Fact]
    public void An_invalid_config_is_refused_before_any_layout_is_built()
    {
        var error = Assert.Throws<InvalidDataException>(() => new LlamaWeightLayout(TinyLlama.Config() with { NumKeyValueHeads = 3 }));
        Assert.Contains("num_key_value_heads", error.Message);
    }
}
