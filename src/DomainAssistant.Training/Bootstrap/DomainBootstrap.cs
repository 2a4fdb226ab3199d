using DomainAssistant.Grounding;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.Training.Pretraining;
using DomainAssistant.Training.Progress;
using DomainAssistant.Training.Sft;

namespace DomainAssistant.Training.Bootstrap;

/// <summary>
/// Builds a domain's model in two steps, the same for the host's first run, a domain uploaded later and
/// `da bootstrap` (which produces the model shipped with a sample domain): <see cref="TrainBase"/> pretrains a small
/// base and its tokenizer on the corpus; <see cref="TrainAdapterAsync"/> lays out grounded examples with the domain's
/// retriever and the chat path's prompt composer (<see cref="GroundedExampleBuilder"/>) and tunes a LoRA adapter on
/// them, loss on the answers only.
/// </summary>
public sealed class DomainBootstrap(DomainBootstrapOptions options, IProgress<TrainingEvent>? progress = null)
{
    /// <summary>The adapter name the bootstrapped model serves by default.</summary>
    public const string AdapterName = "sft";

    /// <summary>Pretrains (or resumes, when <paramref name="baseFolder"/> holds a checkpoint) the base on the domain's corpus.</summary>
    public TrainingSummary TrainBase(DomainProfile domain, string baseFolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var pretraining = new PretrainingOptions
        {
            Size = options.Size, VocabSize = options.VocabSize, MaxPositions = options.ContextLength,
            SequenceLength = Math.Min(256, options.ContextLength), BatchRows = options.BatchRows,
            Steps = options.BaseSteps, MaxMinutes = options.BaseMinutes, Seed = options.Seed,
        };
        var resume = Checkpointing.TrainingCheckpoint.Find(baseFolder) is not null;
        return new BaseTrainer(pretraining, progress).Run(domain.CorpusFolder, baseFolder, resume, cancellationToken);
    }

    /// <summary>Writes the grounded examples to <paramref name="dataPath"/> and tunes the adapter into <paramref name="adapterFolder"/>.</summary>
    /// <param name="domain">The domain (its Q/A file, system prompt, decline and held-out questions).</param>
    /// <param name="retriever">The domain's retriever, with its corpus indexed: the one chat uses.</param>
    /// <param name="catalog">The index's chunks (sentence examples are made from them).</param>
    /// <param name="baseFolder">The base model folder.</param>
    /// <param name="dataPath">Where the grounded examples are written (JSON Lines).</param>
    /// <param name="adapterFolder">Where the PEFT adapter and its lineage go.</param>
    /// <param name="cancellationToken">Stops between examples or steps.</param>
    public async Task<(GroundedDataReport Data, TrainingSummary Training)> TrainAdapterAsync(DomainProfile domain, IRetriever retriever, IChunkCatalog catalog,
        string baseFolder, string dataPath, string adapterFolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var tokenizer = TokenizerLoader.Load(baseFolder);
        var builder = new GroundedExampleBuilder(retriever, catalog, tokenizer, options.ContextLength, options.Data);
        var report = await builder.WriteAsync(domain, HeldOutGuard.For(domain), dataPath, cancellationToken);
        var sft = new SftOptions
        {
            Rank = options.SftRank, Epochs = options.SftEpochs, SequenceLength = options.SftSequenceLength ?? options.ContextLength - 1,
            LearningRate = options.SftLearningRate, MaxMinutes = options.SftMinutes, EvalsPerEpoch = 4, Patience = 3, Seed = options.Seed,
            DataVersion = $"{domain.Name}-grounded",
        };
        var summary = await Task.Run(() => new SftTrainer(sft, progress).Run(baseFolder, dataPath, adapterFolder, cancellationToken), cancellationToken);
        return (report, summary);
    }
}
