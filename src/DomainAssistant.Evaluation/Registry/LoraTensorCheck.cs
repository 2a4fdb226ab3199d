using DomainAssistant.Model;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Lora;
using static TorchSharp.torch;

namespace DomainAssistant.Evaluation.Registry;

/// <summary>
/// Checks an unpacked PEFT folder against the base model it is to run on, from the files alone (no model is
/// built): the config is a LoRA this project runs, and the weights file holds exactly the LoRA factors of the
/// decoder's linear layers that the config targets, each shaped for this base (lora_A [r, in], lora_B [out, r]).
/// Anything else (an embedding, a norm, a full weight, a DoRA magnitude) would change the base itself, which is not
/// what an adapter is allowed to do.
/// </summary>
public static class LoraTensorCheck
{
    const string PeftPrefix = "base_model.model.";
    const string SuffixA = ".lora_A.weight";
    const string SuffixB = ".lora_B.weight";

    /// <returns>The adapter's config.</returns>
    /// <exception cref="AdapterRejectedException">What is wrong, naming the tensor or field.</exception>
    public static LoraConfig Check(string folder, LlamaConfig baseConfig)
    {
        ArgumentNullException.ThrowIfNull(baseConfig);
        LoraConfig config;
        try
        {
            config = LoraConfig.FromJson(File.ReadAllText(Path.Combine(folder, PeftAdapter.ConfigFileName)), PeftAdapter.ConfigFileName);
        }
        catch (InvalidDataException e)
        {
            throw new AdapterRejectedException(AdapterRejection.Invalid, e.Message, e);
        }

        // Linear layers of the decoder by module path, with [out, in]; the embedding and the head are not LoRA targets here.
        var linears = new LlamaWeightLayout(baseConfig).Weights
            .Where(w => w.Shape.Count == 2 && w.Name.StartsWith("model.layers.", StringComparison.Ordinal) && w.Name.EndsWith(".weight", StringComparison.Ordinal))
            .ToDictionary(w => w.Name[..^".weight".Length], w => (Out: w.Shape[0], In: w.Shape[1]), StringComparer.Ordinal);
        var targeted = linears.Keys.Where(config.TargetModules.Matches).ToHashSet(StringComparer.Ordinal);
        if (targeted.Count == 0)
            throw new AdapterRejectedException(AdapterRejection.Invalid, $"adapter_config target_modules ({config.TargetModules}) matches no linear layer of the base model.");

        IReadOnlyList<SafeTensorsEntry> entries;
        try
        {
            using var file = SafeTensorsFile.Open(Path.Combine(folder, PeftAdapter.WeightsFileName));
            entries = [.. file.Entries];
        }
        catch (InvalidDataException e)
        {
            throw new AdapterRejectedException(AdapterRejection.Invalid, $"{PeftAdapter.WeightsFileName}: {e.Message}", e);
        }

        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var (module, isA) = Parse(entry.Name);
            if (module is null)
                throw new AdapterRejectedException(AdapterRejection.Invalid, $"tensor '{entry.Name}' is not a LoRA factor (expected base_model.model.<module>.lora_A.weight or .lora_B.weight).");
            if (!linears.TryGetValue(module, out var layer))
                throw new AdapterRejectedException(AdapterRejection.Invalid, $"tensor '{entry.Name}' names module '{module}', which is not a linear layer of the base model.");
            if (!targeted.Contains(module))
                throw new AdapterRejectedException(AdapterRejection.Invalid, $"tensor '{entry.Name}' is for module '{module}', which target_modules ({config.TargetModules}) does not name.");
            if (entry.ScalarType is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float64))
                throw new AdapterRejectedException(AdapterRejection.Invalid, $"tensor '{entry.Name}' is {entry.Dtype}; LoRA factors are floating point.");
            long[] expected = isA ? [config.R, layer.In] : [layer.Out, config.R];
            if (!entry.Shape.SequenceEqual(expected))
                throw new AdapterRejectedException(AdapterRejection.Invalid,
                    $"tensor '{entry.Name}' has shape [{string.Join(", ", entry.Shape)}]; the base model with r = {config.R} needs [{string.Join(", ", expected)}].");
            found.Add(entry.Name);
        }
        var missing = targeted.SelectMany(m => new[] { PeftPrefix + m + SuffixA, PeftPrefix + m + SuffixB }).Where(k => !found.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            throw new AdapterRejectedException(AdapterRejection.Invalid, $"{missing.Count} LoRA factor(s) that target_modules asks for are missing, e.g. '{missing[0]}'.");
        return config;
    }

    static (string? Module, bool IsA) Parse(string key)
    {
        if (!key.StartsWith(PeftPrefix, StringComparison.Ordinal)) return (null, false);
        if (key.EndsWith(SuffixA, StringComparison.Ordinal)) return (key[PeftPrefix.Length..^SuffixA.Length], true);
        if (key.EndsWith(SuffixB, StringComparison.Ordinal)) return (key[PeftPrefix.Length..^SuffixB.Length], false);
        return (null, false);
    }
}
