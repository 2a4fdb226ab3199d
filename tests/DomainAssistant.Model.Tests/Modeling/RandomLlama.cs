using DomainAssistant.Model.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Modeling;

/// <summary>
/// Tiny random Llamas (2 layers, d=32, 4 query heads over 2 kv heads) whose weights are large enough that
/// logits differ by whole units between tokens, so a tolerance of 1e-4 means something.
/// </summary>
internal static class RandomLlama
{
    public static LlamaConfig Config(RopeStyle style = RopeStyle.Halves, bool tied = false, bool bias = false) => new()
    {
        VocabSize = 40,
        HiddenSize = 32,
        IntermediateSize = 56,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        MaxPositionEmbeddings = 48,
        TieWordEmbeddings = tied,
        AttentionBias = bias,
        RopeStyle = style,
    };

    public static LlamaForCausalLM Create(LlamaConfig config, ulong seed = 7)
    {
        var model = LlamaForCausalLM.Create(config);
        using var generator = new Generator(seed, CPU);
        using var noGrad = no_grad();
        using var normSpread = 0.1.ToScalar();
        using var weightSpread = 0.3.ToScalar();
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var scope = NewDisposeScope();
            var noise = randn(parameter.shape, generator: generator);
            // Norm weights near 1, everything else with std 0.3: strong enough to move the logits.
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) parameter.copy_(noise.mul(normSpread).add(TorchScalars.One, TorchScalars.One));
            else parameter.copy_(noise.mul(weightSpread));
        }
        return model;
    }

    /// <summary>[rows, length] int64 token ids in 0..vocab-1.</summary>
    public static Tensor Ids(int rows, int length, int vocab, ulong seed)
    {
        using var generator = new Generator(seed, CPU);
        return randint(vocab, [rows, length], generator: generator);
    }

    /// <summary>Largest absolute difference between two tensors.</summary>
    public static double MaxDifference(Tensor a, Tensor b)
    {
        using var difference = a.sub(b).abs().max();
        return difference.item<float>();
    }
}
