using DomainAssistant.Alignment.Lineage;
using DomainAssistant.Model;
using DomainAssistant.Model.Lora;
using DomainAssistant.Training.Sft;

namespace DomainAssistant.Alignment.Policy;

/// <summary>
/// The model an alignment run starts from, loaded: the base and, when the run improves an adapter, that adapter's
/// weights; with both named by path and checksum for lineage. Loading from paths is the callers' part (the CLI, the
/// alignment job, bench), so trainers take this and never open a model folder themselves. Disposing frees both.
/// </summary>
public sealed class StartingModel : IDisposable
{
    readonly AdapterWeights? _adapter;

    StartingModel(PretrainedModel pretrained, BaseModelLineage baseModel, AdapterWeights? adapter, ArtefactLineage? adapterLineage)
    {
        Pretrained = pretrained;
        BaseModel = baseModel;
        _adapter = adapter;
        Adapter = adapterLineage;
    }

    /// <summary>The base model and its tokenizer; adapters the run attaches go onto it.</summary>
    public PretrainedModel Pretrained { get; }

    /// <summary>The base, as lineage names it.</summary>
    public BaseModelLineage BaseModel { get; }

    /// <summary>The starting adapter, as lineage names it; null: the run starts from a fresh LoRA over the base.</summary>
    public ArtefactLineage? Adapter { get; }

    /// <summary>Loads the base (Hugging Face folder) and reads the starting adapter when given.</summary>
    /// <param name="modelPath">Base model folder.</param>
    /// <param name="adapterPath">PEFT adapter folder the run starts from; null: a fresh LoRA.</param>
    public static StartingModel Load(string modelPath, string? adapterPath)
    {
        var pretrained = PretrainedModel.Load(modelPath);
        AdapterWeights? adapter = null;
        try
        {
            var baseModel = BaseModelLineage.Of(modelPath);
            adapter = adapterPath is null ? null : AdapterWeights.Read(adapterPath);
            var adapterLineage = adapterPath is null ? null : new ArtefactLineage(Path.GetFullPath(adapterPath), AdapterSetup.Checksum(adapterPath));
            return new StartingModel(pretrained, baseModel, adapter, adapterLineage);
        }
        catch
        {
            adapter?.Dispose();
            pretrained.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Attaches <paramref name="name"/>: a copy of the starting adapter when there is one (its rank and targets kept),
    /// else a fresh LoRA of rank <paramref name="rank"/> on every linear projection (B = 0, so it starts as the base
    /// model exactly).
    /// </summary>
    public LoraConfig Attach(string name, int rank, ulong seed)
    {
        var model = Pretrained.Model;
        if (_adapter is not null) return _adapter.AttachTo(model, name);
        var config = new LoraConfig
        {
            R = rank, LoraAlpha = 2.0 * rank, TargetModules = LoraTargets.AllLinear, BaseModelNameOrPath = BaseModel.Path,
        };
        model.AddAdapter(name, config, unchecked((long)seed));
        return config;
    }

    /// <summary>Attaches a copy of the starting adapter as <paramref name="name"/>; false when the run has none.</summary>
    public bool AttachStartingAdapter(string name)
    {
        if (_adapter is null) return false;
        _adapter.AttachTo(Pretrained.Model, name);
        return true;
    }

    public void Dispose()
    {
        _adapter?.Dispose();
        Pretrained.Dispose();
    }
}
