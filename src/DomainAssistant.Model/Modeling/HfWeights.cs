using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Modeling;

/// <summary>Copies a Hugging Face weight dictionary into a module's parameters by name, checking every key and shape first.</summary>
internal static class HfWeights
{
    /// <summary>Validates everything, then copies (casting to each parameter's dtype).</summary>
    /// <param name="module">Parameters are matched by their state names.</param>
    /// <param name="weights">Hugging Face name -> tensor.</param>
    /// <param name="ignored">Keys that may appear in the dictionary without a matching parameter.</param>
    public static void CopyInto(nn.Module module, IReadOnlyDictionary<string, Tensor> weights, Func<string, bool> ignored)
    {
        var parameters = module.named_parameters().ToList();
        foreach (var (name, parameter) in parameters)
        {
            if (!weights.TryGetValue(name, out var source))
                throw new InvalidDataException($"weights: missing '{name}' (the model expects shape {Shape(parameter.shape)}).");
            if (!source.shape.SequenceEqual(parameter.shape))
                throw new InvalidDataException($"weights: '{name}' has shape {Shape(source.shape)}, the model expects {Shape(parameter.shape)}.");
            if (!source.is_floating_point())
                throw new InvalidDataException($"weights: '{name}' has dtype {source.dtype}; a floating-point tensor is expected.");
        }
        var known = parameters.Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        var unexpected = weights.Keys.Where(key => !known.Contains(key) && !ignored(key)).Order(StringComparer.Ordinal).ToList();
        if (unexpected.Count > 0)
            throw new InvalidDataException($"weights: {unexpected.Count} unexpected key(s) for this config, e.g. {string.Join(", ", unexpected.Take(5).Select(k => $"'{k}'"))}.");

        using var _ = no_grad();
        foreach (var (name, parameter) in parameters) parameter.copy_(weights[name]);
    }

    static string Shape(long[] shape) => $"[{string.Join(", ", shape)}]";
}
