using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Training.Checkpointing;
using DomainAssistant.Training.Optimization;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.Policy;

/// <summary>
/// A resumable checkpoint of an adapter-only run: OUT/checkpoint holding the adapter as PEFT writes it, the AdamW
/// moments (optimizer.safetensors) and the trainer's state (trainer_state.json, the training library's record). Written
/// as TrainingCheckpoint writes its folder: into checkpoint.partial, then swapped in by renames, so a kill -9 at any
/// moment leaves the old or the new checkpoint whole.
/// </summary>
/// <remarks>TrainingCheckpoint itself stores a whole Hugging Face model folder, which an adapter is not; this keeps its layout and swap.</remarks>
public static class AdapterCheckpoint
{
    const string OptimizerFileName = "optimizer.safetensors";

    /// <summary>The complete checkpoint folder in <paramref name="outputFolder"/>, or null.</summary>
    public static string? Find(string outputFolder) => TrainingCheckpoint.Find(outputFolder);

    public static void Save(string outputFolder, LlamaForCausalLM model, string adapter, AdamW optimizer, TrainerState state)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        var final = Path.Combine(outputFolder, TrainingCheckpoint.FolderName);
        var (partial, previous) = (final + ".partial", final + ".previous");
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        PeftAdapter.Save(partial, model, adapter);
        SafeTensors.Save(Path.Combine(partial, OptimizerFileName), optimizer.State());
        File.WriteAllText(Path.Combine(partial, TrainerState.FileName), state.ToJson());
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        if (Directory.Exists(final)) Directory.Move(final, previous);
        Directory.Move(partial, final);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
    }

    /// <summary>
    /// Removes the checkpoint (and any partial or previous one): a run that a guard stopped (NaN, KL bound) is
    /// finished, and its checkpoint may hold the very weights the guard rejected.
    /// </summary>
    public static void Discard(string outputFolder)
    {
        var final = Path.Combine(outputFolder, TrainingCheckpoint.FolderName);
        foreach (var folder in new[] { final, final + ".partial", final + ".previous" })
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>Copies the checkpoint's adapter into the live <paramref name="adapter"/> and its moments into <paramref name="optimizer"/>.</summary>
    /// <param name="outputFolder">The run's output folder.</param>
    /// <param name="model">The model with <paramref name="adapter"/> attached.</param>
    /// <param name="adapter">The trained adapter.</param>
    /// <param name="optimizer">Its optimizer.</param>
    /// <param name="job">The run's job name; a checkpoint of another job is refused.</param>
    /// <param name="optimizerSteps">AdamW steps taken after a given number of trainer steps (several per step for RLOO's inner epochs).</param>
    /// <returns>The trainer state to continue from.</returns>
    public static TrainerState Restore(string outputFolder, LlamaForCausalLM model, string adapter, AdamW optimizer, string job, Func<long, long> optimizerSteps)
    {
        ArgumentNullException.ThrowIfNull(optimizerSteps);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        var folder = Find(outputFolder) ?? throw new FileNotFoundException($"no checkpoint to resume in '{outputFolder}'.", Path.Combine(outputFolder, TrainingCheckpoint.FolderName));
        var statePath = Path.Combine(folder, TrainerState.FileName);
        var state = TrainerState.FromJson(File.ReadAllText(statePath), statePath);
        if (state.Job != job) throw new InvalidDataException($"{statePath}: a checkpoint of a '{state.Job}' run cannot resume a '{job}' run.");
        var (_, tensors) = PeftAdapter.Read(folder);
        var moments = SafeTensors.Load(Path.Combine(folder, OptimizerFileName));
        try
        {
            using var noGrad = no_grad();
            foreach (var (key, parameter) in model.AdapterParameters(adapter))
            {
                if (!tensors.TryGetValue(key, out var saved)) throw new InvalidDataException($"{folder}: the checkpoint's adapter lacks '{key}'.");
                parameter.copy_(saved);
            }
            optimizer.Load(moments, optimizerSteps(state.Step), Path.Combine(folder, OptimizerFileName));
        }
        finally
        {
            foreach (var tensor in tensors.Values.Concat(moments.Values)) tensor.Dispose();
        }
        return state;
    }
}
