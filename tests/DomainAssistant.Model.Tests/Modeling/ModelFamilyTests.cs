using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Modeling;
using TorchSharp;
using DomainAssistant.Model.Tests.Checkpoints;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Modeling;

/// <summary>
/// Each family's config shape, scaled down with random weights: saved as a Hugging Face folder, read back to the same
/// config and weights, and its logits from cached decoding equal a full-sequence forward.
/// </summary>
public sealed class ModelFamilyTests : IDisposable
{
    const double Tolerance = 1e-4;
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> Families => ["llama", "mistral", "qwen2", "qwen3", "llama3.1"];

    static LlamaConfig Config(string family)
    {
        var tiny = RandomLlama.Config();
        return family switch
        {
            "llama" => tiny,
            "mistral" => tiny with { ModelType = "mistral" },
            "qwen2" => tiny with { ModelType = "qwen2", AttentionBias = true },
            // Qwen3: q/k RMSNorm and a head wider than hidden / heads (12, not 8).
            "qwen3" => tiny with { ModelType = "qwen3", QkNorm = true, HeadDim = 12 },
            "llama3.1" => tiny with { RopeScaling = new Llama3RopeScaling(8, 1, 4, 16), RopeTheta = 500000 },
            _ => throw new ArgumentOutOfRangeException(nameof(family)),
        };
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Loads_from_its_folder_and_decodes_with_a_cache_as_a_full_forward_does(string family)
    {
        var config = Config(family);
        using (var original = RandomLlama.Create(config))
            HuggingFaceFolder.Save(_folder.Path, config, original.state_dict());

        var (loadedConfig, weights) = HuggingFaceFolder.Load(_folder.Path);
        Assert.Equal(config, loadedConfig);
        using var model = LlamaForCausalLM.Create(loadedConfig);
        model.LoadWeights(weights);
        RandomTensors.DisposeAll(weights.Values);

        using var ids = RandomLlama.Ids(1, 20, config.VocabSize, seed: 3);
        using var full = model.Forward(ids);
        using var cache = model.NewKvCache(slots: 1, capacity: 20);
        var steps = new List<Tensor>();
        using (var prompt = ids.narrow(1, 0, 6)) steps.Add(model.Forward(prompt, cache, [0]));
        for (var position = 6; position < 20; position++)
        {
            using var token = ids.narrow(1, position, 1);
            steps.Add(model.Forward(token, cache, [0]));
        }
        using var cached = cat(steps, 1);
        RandomTensors.DisposeAll(steps);

        Assert.True(RandomLlama.MaxDifference(full, cached) < Tolerance, $"{family}: cached decoding differs from the full forward");
    }

    [Fact]
    public void Qwen3_norms_each_head_of_q_and_k_so_its_weights_change_the_logits()
    {
        var config = Config("qwen3");
        using var model = RandomLlama.Create(config);
        using var ids = RandomLlama.Ids(1, 8, config.VocabSize, seed: 5);
        using var before = model.Forward(ids);
        using (no_grad())
        using (var three = 3.0.ToScalar())
            foreach (var (name, parameter) in model.named_parameters().Where(p => p.name.EndsWith("q_norm.weight", StringComparison.Ordinal)))
                parameter.mul_(three);
        using var after = model.Forward(ids);

        Assert.True(RandomLlama.MaxDifference(before, after) > 1e-2);
    }

    [Fact]
    public void Llama3_scaling_slows_low_frequencies_keeps_high_ones_and_blends_between()
    {
        var scaling = new Llama3RopeScaling(Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositions: 8192);
        // Wavelength 2 pi / f: above 8192 slowed by 8, below 2048 kept; 4096 sits in the band with s = 8192 / 4096 - 1 over 3 = 1/3.
        var low = 2 * Math.PI / 10000;
        var high = 2 * Math.PI / 1000;
        var middle = 2 * Math.PI / 4096;

        Assert.Equal(low / 8, RotaryEmbedding.Scaled(low, scaling), 12);
        Assert.Equal(high, RotaryEmbedding.Scaled(high, scaling), 12);
        Assert.Equal(((1 - (1.0 / 3)) * middle / 8) + (middle / 3), RotaryEmbedding.Scaled(middle, scaling), 12);
        Assert.Equal(middle, RotaryEmbedding.Scaled(middle, null), 12);
    }
}
