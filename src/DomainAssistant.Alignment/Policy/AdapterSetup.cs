using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Training.Data;

namespace DomainAssistant.Alignment.Policy;

/// <summary>Attaches the adapters an alignment run trains or compares against, and names them in lineage.</summary>
public static class AdapterSetup
{
    /// <summary>
    /// Attaches <paramref name="name"/>: a copy of the PEFT adapter in <paramref name="from"/> when given (its rank and
    /// targets kept), else a fresh LoRA of rank <paramref name="rank"/> on every linear projection (B = 0, so it starts
    /// as the base model exactly).
    /// </summary>
    public static LoraConfig Attach(LlamaForCausalLM model, string name, string? from, int rank, ulong seed, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (from is not null) return PeftAdapter.Load(from, model, name);
        var config = new LoraConfig
        {
            R = rank, LoraAlpha = 2.0 * rank, TargetModules = LoraTargets.AllLinear, BaseModelNameOrPath = Path.GetFullPath(modelPath),
        };
        model.AddAdapter(name, config, unchecked((long)seed));
        return config;
    }

    /// <summary>SHA-256 of an adapter folder's weights file: the checksum the host and lineage records use.</summary>
    public static string Checksum(string adapterFolder) => DatasetFiles.FileSha256(Path.Combine(adapterFolder, PeftAdapter.WeightsFileName));
}
