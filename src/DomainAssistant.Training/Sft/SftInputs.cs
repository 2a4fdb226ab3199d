using DomainAssistant.Model;
using DomainAssistant.Training.Data;

namespace DomainAssistant.Training.Sft;

/// <summary>
/// What <see cref="SftTrainer"/> trains from, loaded: the base model, what lineage names it by, and the data encoded
/// with the model's tokenizer. Loading from paths is the callers' part (the CLI, the bootstrap recipe, bench), so one
/// loader serves them all and the trainer never opens a model folder or dataset itself. Disposing frees the model.
/// </summary>
/// <param name="Model">The base model and its tokenizer.</param>
/// <param name="Source">The base model's path and checksum, for lineage.json.</param>
/// <param name="Data">The examples, with their files and skipped lines.</param>
public sealed record SftInputs(PretrainedModel Model, BaseModelLineage Source, SftData Data) : IDisposable
{
    /// <summary>Checks the options, then loads the model and reads the data with its tokenizer, in that order (so a bad option or a missing model is reported before any data line).</summary>
    /// <param name="modelPath">Hugging Face folder (or llama2.c .bin) of the base model.</param>
    /// <param name="tokenizerPath">Tokenizer file or folder, since a llama2.c .bin carries none; null: the model folder's own, or tokenizer.bin beside a .bin.</param>
    /// <param name="dataPath">A .jsonl/.txt/.md file or a folder of them (see <see cref="SftData"/>).</param>
    /// <param name="options">The run's settings: the system prompt and strictness apply to reading the data.</param>
    public static SftInputs Load(string modelPath, string? tokenizerPath, string dataPath, SftOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var model = PretrainedModel.Load(modelPath, tokenizerPath);
        try
        {
            var data = SftData.Load(dataPath, ExampleEncoder.For(model), options.SystemPrompt, options.Strict);
            return new SftInputs(model, BaseModelLineage.Of(modelPath), data);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public void Dispose() => Model.Dispose();
}
