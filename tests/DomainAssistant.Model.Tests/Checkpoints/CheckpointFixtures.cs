using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Checkpoints;

/// <summary>A fresh temporary folder per test, deleted with everything in it.</summary>
sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("da-checkpoints-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Tiny tensors filled with random bit patterns, so a round trip that is not bit-exact shows.</summary>
static class RandomTensors
{
    public static Tensor Of(ScalarType dtype, long[] shape, int seed)
    {
        var tensor = empty(shape, dtype);
        var bytes = new byte[tensor.NumberOfElements * tensor.ElementSize];
        var random = new Random(seed);
        random.NextBytes(bytes);
        // Only 0 and 1 are valid bools.
        if (dtype == ScalarType.Bool) for (int i = 0; i < bytes.Length; i++) bytes[i] &= 1;
        if (bytes.Length > 0) tensor.bytes = bytes;
        return tensor;
    }

    public static byte[] BytesOf(Tensor tensor) => tensor.NumberOfElements == 0 ? [] : tensor.bytes.ToArray();

    public static void AssertIdentical(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        using var dense = expected.contiguous();
        Assert.Equal(BytesOf(dense), BytesOf(actual));
    }

    public static void DisposeAll(IEnumerable<Tensor> tensors)
    {
        foreach (var tensor in tensors) tensor.Dispose();
    }
}

/// <summary>A Llama small enough to save and load in milliseconds: 2 layers, d=8, 2 heads sharing 1 kv head.</summary>
static class TinyLlama
{
    public static LlamaConfig Config(bool tied = false, string modelType = "llama", bool bias = false) => new()
    {
        ModelType = modelType,
        VocabSize = 16,
        HiddenSize = 8,
        IntermediateSize = 12,
        NumHiddenLayers = 2,
        NumAttentionHeads = 2,
        NumKeyValueHeads = 1,
        MaxPositionEmbeddings = 64,
        RmsNormEps = 1e-5,
        RopeTheta = 10000,
        TieWordEmbeddings = tied,
        AttentionBias = bias,
        BosTokenId = 1,
        EosTokenId = 2,
        TorchDtype = "bfloat16",
    };

    public static Dictionary<string, Tensor> Weights(LlamaConfig config, ScalarType dtype = ScalarType.BFloat16, int seed = 1) =>
        new DomainAssistant.Model.Checkpoints.LlamaWeightLayout(config).Weights
            .Select((w, i) => (w.Name, Tensor: RandomTensors.Of(dtype, [.. w.Shape], seed * 1000 + i)))
            .ToDictionary(w => w.Name, w => w.Tensor);
}
