using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.RewardModeling;

/// <summary>
/// The scalar head of a reward model: one linear map from the last token's final hidden state to a score, named
/// "score" as Hugging Face's LlamaForSequenceClassification names it (score.weight [1, hidden]), with a bias so
/// pointwise training can place the score's zero at an even chance of "up".
/// </summary>
public sealed class RewardHead : nn.Module<Tensor, Tensor>
{
    public const string WeightKey = "score.weight";
    public const string BiasKey = "score.bias";

    readonly Linear score;

    /// <param name="hiddenSize">The model's hidden size.</param>
    /// <param name="seed">Seeds the initial weights (normal, std 1/sqrt(hidden)·0.1: scores start near 0, probabilities near 1/2).</param>
    public RewardHead(int hiddenSize, long seed) : base(nameof(RewardHead))
    {
        score = nn.Linear(hiddenSize, 1, hasBias: true);
        RegisterComponents();
        using var noGrad = no_grad();
        using var generator = new Generator(unchecked((ulong)seed), CPU);
        score.weight!.normal_(0, 0.1 / Math.Sqrt(hiddenSize), generator);
        score.bias!.zero_();
    }

    /// <summary>The head's tensors under their safetensors keys (the live parameters).</summary>
    public IEnumerable<(string Key, Parameter Parameter)> Tensors() => [(WeightKey, score.weight!), (BiasKey, score.bias!)];

    /// <param name="lastHidden">[B, hidden] float32.</param>
    /// <returns>[B] scores.</returns>
    public override Tensor forward(Tensor lastHidden)
    {
        using var scores = score.forward(lastHidden); // [B, 1]
        return scores.squeeze(1);
    }

    /// <summary>Copies saved weights in (shapes checked).</summary>
    public void Load(IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var noGrad = no_grad();
        foreach (var (key, parameter) in Tensors())
        {
            if (!tensors.TryGetValue(key, out var saved)) throw new InvalidDataException($"{source}: missing '{key}'.");
            if (!saved.shape.SequenceEqual(parameter.shape))
                throw new InvalidDataException($"{source}: '{key}' has shape [{string.Join(", ", saved.shape)}], expected [{string.Join(", ", parameter.shape)}].");
            parameter.copy_(saved);
        }
    }
}
