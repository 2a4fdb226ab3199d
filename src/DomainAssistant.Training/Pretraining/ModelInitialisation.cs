using DomainAssistant.Model;
using DomainAssistant.Model.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Training.Pretraining;

/// <summary>
/// Initialises a fresh model from its own seeded generator (Hugging Face's scheme: weights normal(0, 0.02), norm
/// gains 1), so the initial weights depend on the seed alone, never on what else used torch's global generator
/// (another job or test in the same process).
/// </summary>
public static class ModelInitialisation
{
    public const double Std = 0.02;

    public static void Apply(LlamaForCausalLM model, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var generator = new Generator(seed, CPU);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) parameter.fill_(TorchScalars.One);
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else parameter.normal_(0, Std, generator);
        }
    }
}
