using DomainAssistant.Model;
using DomainAssistant.Model.Checkpoints;
using static TorchSharp.torch;

namespace DomainAssistant.Training.Checkpointing;

/// <summary>A checkpoint read back: the model's config and float32 weights, the optimizer's tensors, the trainer's state.</summary>
public sealed record LoadedCheckpoint(LlamaConfig Config, Dictionary<string, Tensor> Weights, Dictionary<string, Tensor> OptimizerState, TrainerState State) : IDisposable
{
    /// <summary>torch's RNG state when the checkpoint was written (restore it once the model is built), or null.</summary>
    public Tensor? TorchRandomState { get; init; }

    public void Dispose()
    {
        TorchRandomState?.Dispose();
        foreach (var tensor in Weights.Values.Concat(OptimizerState.Values)) tensor.Dispose();
    }
}

/// <summary>
/// A resumable training checkpoint: the folder "checkpoint" inside a run's output folder, holding config.json and
/// model.safetensors (a Hugging Face folder: the weights load on their own), optimizer.safetensors (AdamW moments and
/// torch's RNG state) and trainer_state.json.
/// </summary>
/// <remarks>
/// Writes are atomic as a whole: everything goes into "checkpoint.partial", then the old checkpoint is renamed to
/// "checkpoint.previous", the new one into place, and the previous one deleted. A kill at any moment leaves either
/// the old or the new checkpoint complete, and <see cref="Find"/> picks whichever is; a stale partial folder is
/// never read.
/// </remarks>
public static class TrainingCheckpoint
{
    public const string FolderName = "checkpoint";
    public const string OptimizerFileName = "optimizer.safetensors";
    public const string TorchRandomKey = "torch.rng_state";

    /// <summary>The complete checkpoint folder in <paramref name="outputFolder"/>, or null when there is none.</summary>
    public static string? Find(string outputFolder)
    {
        foreach (var name in new[] { FolderName, FolderName + ".previous" })
        {
            var folder = Path.Combine(outputFolder, name);
            if (File.Exists(Path.Combine(folder, TrainerState.FileName))) return folder;
        }
        return null;
    }

    /// <summary>Writes a checkpoint atomically. <paramref name="weights"/> are Hugging Face-named float32 tensors.</summary>
    public static void Save(string outputFolder, LlamaConfig config, IReadOnlyDictionary<string, Tensor> weights,
        IReadOnlyDictionary<string, Tensor> optimizerState, TrainerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var final = Path.Combine(outputFolder, FolderName);
        var partial = final + ".partial";
        var previous = final + ".previous";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);

        HuggingFaceFolder.Save(partial, config, weights);
        using var rng = random.get_rng_state();
        var tensors = new Dictionary<string, Tensor>(optimizerState, StringComparer.Ordinal) { [TorchRandomKey] = rng };
        SafeTensors.Save(Path.Combine(partial, OptimizerFileName), tensors);
        File.WriteAllText(Path.Combine(partial, TrainerState.FileName), state.ToJson());

        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        if (Directory.Exists(final)) Directory.Move(final, previous);
        Directory.Move(partial, final);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
    }

    /// <summary>Reads the checkpoint in <paramref name="outputFolder"/> (torch's RNG state comes back in <see cref="LoadedCheckpoint.TorchRandomState"/>).</summary>
    /// <exception cref="FileNotFoundException">There is no complete checkpoint.</exception>
    public static LoadedCheckpoint Load(string outputFolder)
    {
        var folder = Find(outputFolder) ?? throw new FileNotFoundException($"no checkpoint to resume in '{outputFolder}'.", Path.Combine(outputFolder, FolderName));
        var statePath = Path.Combine(folder, TrainerState.FileName);
        var state = TrainerState.FromJson(File.ReadAllText(statePath), statePath);
        var (config, weights) = HuggingFaceFolder.Load(folder);
        var optimizer = SafeTensors.Load(Path.Combine(folder, OptimizerFileName));
        optimizer.Remove(TorchRandomKey, out var rng);
        return new LoadedCheckpoint(config, weights, optimizer, state) { TorchRandomState = rng };
    }
}
