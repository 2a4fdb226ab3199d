using System.Text.Json;
using DomainAssistant.Alignment.Encoding;
using DomainAssistant.Model;
using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Training.Checkpointing;
using DomainAssistant.Training.Optimization;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.Policy;

/// <summary>
/// The model a preference trainer updates: the base (frozen), the policy adapter (the only thing that trains, in
/// float32), and the reference it keeps close to: a frozen copy of the starting adapter, or, when it started from a
/// fresh LoRA, the base itself (a fresh LoRA's B is zero, so the policy starts equal to it either way).
/// </summary>
public sealed class PolicyModel : IDisposable
{
    public const string PolicyAdapter = "policy";
    const string ReferenceAdapterName = "reference";

    readonly PretrainedModel _pretrained;
    Dictionary<string, Tensor>? _lastGood;

    /// <param name="start">The base and the adapter to improve (copied into the policy and kept frozen as the reference; none: a
    /// fresh LoRA, the base as reference). The policy's adapters are attached to its model; the caller still owns it.</param>
    /// <param name="rank">Rank of a fresh LoRA.</param>
    /// <param name="seed">Seed of a fresh LoRA's A.</param>
    /// <param name="maxLength">Longest prompt + answer scored.</param>
    /// <param name="optimizer">AdamW settings of the policy.</param>
    public PolicyModel(StartingModel start, int rank, ulong seed, int maxLength, AdamWOptions optimizer)
    {
        ArgumentNullException.ThrowIfNull(start);
        _pretrained = start.Pretrained;
        Config = start.Attach(PolicyAdapter, rank, seed);
        Reference = start.AttachStartingAdapter(ReferenceAdapterName) ? ReferenceAdapterName : null;
        // After every attach: attaching freezes all parameters, so only now can the policy's factors be made trainable.
        Weights = TrainableWeights.Create(Model.AdapterParameters(PolicyAdapter), (_, _) => false);
        Optimizer = new AdamW(Weights.Weights, optimizer);
        Tokens = new AlignmentTokens(_pretrained.Tokenizer, Math.Min(maxLength, Model.Config.MaxPositionEmbeddings));
    }

    public LlamaForCausalLM Model => _pretrained.Model;

    public PretrainedModel Pretrained => _pretrained;

    public LoraConfig Config { get; }

    /// <summary>The reference adapter's name, or null for the base model.</summary>
    public string? Reference { get; }

    public TrainableWeights Weights { get; }

    public AdamW Optimizer { get; }

    public AlignmentTokens Tokens { get; }

    public long TrainableParameters => Weights.Weights.Sum(w => w.Master.NumberOfElements);

    /// <summary>
    /// Attaches something frozen to the same base (a reward model's adapter): attaching freezes every parameter, so the
    /// policy's factors are made trainable again afterwards.
    /// </summary>
    public T AttachFrozen<T>(Func<LlamaForCausalLM, T> attach)
    {
        ArgumentNullException.ThrowIfNull(attach);
        var attached = attach(Model);
        foreach (var weight in Weights.Weights) weight.Parameter.requires_grad = true;
        return attached;
    }

    /// <summary>Remembers the policy as it is now: the state a NaN or a KL past its bound falls back to.</summary>
    public void MarkGood()
    {
        using var noGrad = no_grad();
        if (_lastGood is null) _lastGood = Weights.Weights.ToDictionary(w => w.Name, w => w.Master.detach().clone(), StringComparer.Ordinal);
        else foreach (var w in Weights.Weights) _lastGood[w.Name].copy_(w.Master);
    }

    /// <summary>Puts back the policy remembered by <see cref="MarkGood"/>.</summary>
    public void RestoreGood()
    {
        if (_lastGood is null) return;
        using var noGrad = no_grad();
        foreach (var w in Weights.Weights) w.Master.copy_(_lastGood[w.Name]);
        Weights.Publish();
    }

    /// <summary>Writes the policy as a PEFT adapter folder (what `da generate --adapter` and the host load).</summary>
    public void Save(string folder) => PeftAdapter.Save(folder, Model, PolicyAdapter);

    /// <summary>Checkpoints the run (adapter, moments, state) into OUT/checkpoint.</summary>
    public void Checkpoint(string outputFolder, TrainerState state) => AdapterCheckpoint.Save(outputFolder, Model, PolicyAdapter, Optimizer, state);

    /// <summary>Removes OUT/checkpoint after a guard stopped the run (see <see cref="AdapterCheckpoint.Discard"/>).</summary>
    public static void DiscardCheckpoint(string outputFolder) => AdapterCheckpoint.Discard(outputFolder);

    /// <summary>Resumes from OUT/checkpoint when there is one; refuses one written with other options.</summary>
    /// <returns>The saved state, or null when there is no checkpoint.</returns>
    public TrainerState? Resume(string outputFolder, string job, JsonElement options, Func<long, long> optimizerSteps)
    {
        if (AdapterCheckpoint.Find(outputFolder) is null) return null;
        var state = AdapterCheckpoint.Restore(outputFolder, Model, PolicyAdapter, Optimizer, job, optimizerSteps);
        if (JsonSerializer.Serialize(state.Options) != JsonSerializer.Serialize(options)) // compact both: the file is indented
            throw new InvalidDataException($"the checkpoint in '{outputFolder}' was made with other options; use another --out or the same options to resume.");
        return state;
    }

    public void Dispose()
    {
        if (_lastGood is not null) foreach (var tensor in _lastGood.Values) tensor.Dispose();
        Optimizer.Dispose();
        Weights.Dispose();
    }
}
