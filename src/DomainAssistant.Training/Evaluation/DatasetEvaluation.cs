using DomainAssistant.Model;
using DomainAssistant.Model.Lora;
using DomainAssistant.Training.Data;

namespace DomainAssistant.Training.Evaluation;

/// <summary>The loss of a model (and adapter) on a dataset: what "held-out perplexity" means in reports.</summary>
/// <param name="Loss">Mean next-token loss over the trained tokens (responses of conversations, all of documents).</param>
/// <param name="Tokens">Tokens it averages over.</param>
/// <param name="Examples">Examples evaluated.</param>
/// <param name="SkippedLines">Corrupt lines skipped, "file:line: problem".</param>
public sealed record DatasetEvaluation(double Loss, long Tokens, int Examples, IReadOnlyList<string> SkippedLines)
{
    public double Perplexity => Math.Exp(Loss);

    /// <summary>
    /// Scores every example of <paramref name="dataPath"/> on its own (one per row, as at inference, no packing), in
    /// float32, with the same encoding as fine-tuning: so base and adapter numbers on a held-out file compare directly.
    /// <paramref name="tokenizerPath"/> (a file or folder) is needed for a llama2.c .bin without tokenizer.bin beside it.
    /// </summary>
    public static DatasetEvaluation Run(string modelPath, string? adapterPath, string dataPath, int sequenceLength = 256, string? systemPrompt = null,
        string? tokenizerPath = null)
    {
        using var pretrained = PretrainedModel.Load(modelPath, tokenizerPath);
        const string adapter = "eval";
        if (adapterPath is not null) PeftAdapter.Load(adapterPath, pretrained.Model, adapter);
        var data = SftData.Load(dataPath, ExampleEncoder.For(pretrained), systemPrompt);
        var length = Math.Min(sequenceLength, pretrained.Model.Config.MaxPositionEmbeddings - 1) + 1;
        var rows = SequencePacker.OnePerRow(data.Examples, length).OrderBy(r => r.Length).ToList();
        var pad = pretrained.Tokenizer.EosId ?? 0;
        var loss = LanguageModelLoss.Mean(pretrained.Model, SequencePacker.Batches(rows, 16, pad), adapterPath is null ? null : adapter);
        return new DatasetEvaluation(loss.Loss, loss.Tokens, data.Examples.Count, [.. data.Issues.Select(i => i.ToString())]);
    }
}
