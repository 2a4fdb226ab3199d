using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Training.Pretraining;
using DomainAssistant.Training.Tests.Support;

namespace DomainAssistant.Worker.Tests.Faults;

/// <summary>
/// A tiny Llama (<see cref="TinyModelFolder.Shape"/>) as pretraining starts it, saved as a Hugging Face folder with the
/// tokenizer's files: the model a worker serves and aligns in the fault tests. Unlike <see cref="TinyModelFolder"/>,
/// its embeddings keep the initial scale, so its logits stay small and an alignment run over it walks its whole
/// schedule instead of stopping at the KL bound within a few dozen steps.
/// </summary>
public static class UntrainedModelFolder
{
    /// <summary>Writes the model into <paramref name="folder"/> and returns it.</summary>
    public static string Write(string folder, TrainedTokenizer tokenizer, ulong seed = 3)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var config = TinyModelFolder.Shape(tokenizer.Vocabulary.Count);
        using var model = LlamaForCausalLM.Create(config);
        ModelInitialisation.Apply(model, seed);
        HuggingFaceFolder.Save(folder, config, model.state_dict().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
        foreach (var file in Directory.EnumerateFiles(tokenizer.Folder)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return folder;
    }
}
