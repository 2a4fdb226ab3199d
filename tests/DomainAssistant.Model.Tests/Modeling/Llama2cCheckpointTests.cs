using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Model.Tests.Support;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Modeling;

public sealed class Llama2cCheckpointTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("da-llama2c-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Stories260KFact]
    public void Loads_stories260K_with_hugging_face_names_and_adjacent_rotary()
    {
        var (config, weights) = Llama2cCheckpoint.Load(SharedModels.Stories260KBin);
        try
        {
            Assert.Equal((64, 172, 5, 8, 4, 512, 512), (config.HiddenSize, config.IntermediateSize, config.NumHiddenLayers,
                config.NumAttentionHeads, config.NumKeyValueHeads, config.VocabSize, config.MaxPositionEmbeddings));
            Assert.True(config.TieWordEmbeddings);
            Assert.Equal(RopeStyle.Adjacent, config.RopeStyle);
            Assert.Equal(2 + 5 * 9, weights.Count);
            Assert.Equal([32L, 64], weights["model.layers.4.self_attn.k_proj.weight"].shape);
            Assert.Equal([64L, 172], weights["model.layers.0.mlp.down_proj.weight"].shape);
            Assert.False(weights.ContainsKey("lm_head.weight"));
        }
        finally
        {
            foreach (var w in weights.Values) w.Dispose();
        }
    }

    [Fact]
    public void Reads_every_array_in_run_c_order_and_an_untied_classifier()
    {
        // dim 4, hidden 6, 2 layers, 2 heads, 1 kv head, vocab 5 (negative: classifier stored), seq_len 3.
        int[] header = [4, 6, 2, 2, 1, -5, 3];
        var arrays = new (string Name, int Count)[]
        {
            ("model.embed_tokens.weight", 5 * 4), ("input_layernorm", 2 * 4), ("q_proj", 2 * 4 * 4), ("k_proj", 2 * 2 * 4),
            ("v_proj", 2 * 2 * 4), ("o_proj", 2 * 4 * 4), ("post_attention_layernorm", 2 * 4), ("gate_proj", 2 * 6 * 4),
            ("down_proj", 2 * 4 * 6), ("up_proj", 2 * 6 * 4), ("model.norm.weight", 4), ("rope tables", 2 * 3 * 2 / 2), ("lm_head.weight", 5 * 4),
        };
        // Array n is filled with n*1000 + (index in array), so every value says where it came from.
        var path = Write("untied.bin", header, arrays.Select((a, n) => Enumerable.Range(0, a.Count).Select(i => n * 1000f + i)).SelectMany(v => v));

        var (config, weights) = Llama2cCheckpoint.Load(path);
        try
        {
            Assert.False(config.TieWordEmbeddings);
            Assert.Equal(5, config.VocabSize);
            Assert.Equal(3, config.MaxPositionEmbeddings);
            Assert.Equal(RopeStyle.Adjacent, config.RopeStyle);
            Assert.Equal(new LlamaWeightLayout(config).Weights.Select(w => w.Name).Order(), weights.Keys.Order());
            Assert.Equal(0f, First(weights["model.embed_tokens.weight"]));
            Assert.Equal(2000f + 16, First(weights["model.layers.1.self_attn.q_proj.weight"]));   // layer 1 starts after layer 0's 16
            Assert.Equal(3000f + 8, First(weights["model.layers.1.self_attn.k_proj.weight"]));
            Assert.Equal(6000f + 4, First(weights["model.layers.1.post_attention_layernorm.weight"]));
            Assert.Equal(7000f, First(weights["model.layers.0.mlp.gate_proj.weight"]));              // w1
            Assert.Equal(8000f, First(weights["model.layers.0.mlp.down_proj.weight"]));              // w2
            Assert.Equal(9000f, First(weights["model.layers.0.mlp.up_proj.weight"]));                // w3
            Assert.Equal(10000f, First(weights["model.norm.weight"]));
            Assert.Equal(12000f, First(weights["lm_head.weight"]));                                  // after the skipped RoPE tables
            Assert.Equal([6L, 4], weights["model.layers.1.mlp.up_proj.weight"].shape);
        }
        finally
        {
            foreach (var w in weights.Values) w.Dispose();
        }
    }

    [Fact]
    public void A_truncated_file_is_refused_before_reading_naming_the_file()
    {
        var path = Write("short.bin", [4, 6, 1, 2, 1, 5, 3], Enumerable.Repeat(0.5f, 50));
        var error = Assert.Throws<InvalidDataException>(() => Llama2cCheckpoint.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Trailing_bytes_after_the_last_array_are_refused()
    {
        // dim 4, hidden 6, 1 layer, 2 heads, 1 kv head, vocab 5 (tied), seq 3: 20+4+16+8+8+16+4+72+4+6 = 158 floats.
        var path = Write("long.bin", [4, 6, 1, 2, 1, 5, 3], Enumerable.Repeat(0.5f, 159));
        var error = Assert.Throws<InvalidDataException>(() => Llama2cCheckpoint.Load(path));
        Assert.Contains("trailing data", error.Message);
        var exact = Write("exact.bin", [4, 6, 1, 2, 1, 5, 3], Enumerable.Repeat(0.5f, 158));
        var (_, weights) = Llama2cCheckpoint.Load(exact);
        foreach (var w in weights.Values) w.Dispose();
    }

    [Theory]
    [InlineData(new[] { 0, 6, 1, 2, 1, 5, 3 }, "dim 0")]
    [InlineData(new[] { 6, 6, 1, 4, 1, 5, 3 }, "n_heads 4")]           // 6 does not split into 4 heads
    [InlineData(new[] { 4, 6, 1, 2, 3, 5, 3 }, "n_kv_heads 3")]
    [InlineData(new[] { 4, 6, -1, 2, 1, 5, 3 }, "n_layers -1")]
    [InlineData(new[] { 4, 6, 1, 2, 1, 0, 3 }, "vocab_size 0")]
    [InlineData(new[] { 65536, 1048576, 1024, 2, 1, 16777216, 1048576 }, "bytes")] // plausible fields, absurd file size
    public void Absurd_header_values_are_refused_with_the_field_named(int[] header, string expected)
    {
        var path = Write("bad.bin", header, Enumerable.Repeat(0f, 64));
        var error = Assert.Throws<InvalidDataException>(() => Llama2cCheckpoint.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_file_shorter_than_the_header_is_refused()
    {
        var path = Path.Combine(_folder, "tiny.bin");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains("too short", Assert.Throws<InvalidDataException>(() => Llama2cCheckpoint.Load(path)).Message);
    }

    [Fact]
    public void Permuting_q_and_k_for_halves_preserves_the_model_function()
    {
        var config = RandomLlama.Config(RopeStyle.Adjacent);
        using var adjacent = RandomLlama.Create(config);
        var weights = adjacent.state_dict().ToDictionary(p => p.Key, p => p.Value);
        var permuted = new Dictionary<string, Tensor>(weights);
        for (var layer = 0; layer < config.NumHiddenLayers; layer++)
        {
            var q = $"model.layers.{layer}.self_attn.q_proj.weight";
            var k = $"model.layers.{layer}.self_attn.k_proj.weight";
            permuted[q] = Llama2cCheckpoint.PermuteForHalves(weights[q], config.NumAttentionHeads);
            permuted[k] = Llama2cCheckpoint.PermuteForHalves(weights[k], config.NumKeyValueHeads);
        }
        using var halves = LlamaForCausalLM.Create(config with { RopeStyle = RopeStyle.Halves });
        halves.LoadWeights(permuted);
        using var ids = RandomLlama.Ids(2, 10, config.VocabSize, seed: 13);
        using var expected = adjacent.Forward(ids);
        using var actual = halves.Forward(ids);
        Assert.True(RandomLlama.MaxDifference(expected, actual) < 1e-4);
    }

    [Fact]
    public void Permuting_moves_each_heads_even_rows_to_its_first_half()
    {
        using var rows = tensor(new float[] { 0, 1, 2, 3, 4, 5, 6, 7 }).view(8, 1);   // 2 heads of head_dim 4
        using var permuted = Llama2cCheckpoint.PermuteForHalves(rows, 2);
        Assert.Equal([0f, 2, 1, 3, 4, 6, 5, 7], permuted.data<float>().ToArray());
        using var bias = tensor(new float[] { 0, 1, 2, 3, 4, 5, 6, 7 });
        using var permutedBias = Llama2cCheckpoint.PermuteForHalves(bias, 2);
        Assert.Equal([0f, 2, 1, 3, 4, 6, 5, 7], permutedBias.data<float>().ToArray());
    }

    static float First(Tensor t)
    {
        using var flat = t.reshape(-1);
        using var first = flat[0];
        return first.item<float>();
    }

    string Write(string name, int[] header, IEnumerable<float> values)
    {
        var path = Path.Combine(_folder, name);
        using var writer = new BinaryWriter(File.Create(path));
        foreach (var field in header) writer.Write(field);
        foreach (var value in values) writer.Write(value);
        return path;
    }
}
