using DomainAssistant.Grounding;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.Training.Corpus;
using DomainAssistant.Training.Pretraining;
using DomainAssistant.Training.Progress;
using DomainAssistant.Training.Sft;

namespace DomainAssistant.Training.Bootstrap;

/// <summary>
/// Builds a domain's model, the same for the host's first run, a domain uploaded later and `da bootstrap` (which
/// produces the model shipped with a sample domain): <see cref="TrainBase"/> pretrains a small base and its tokenizer
/// on the corpus; <see cref="TuneAsync"/> lays out grounded examples with the domain's retriever and the chat path's
/// prompt composer (<see cref="GroundedExampleBuilder"/>), tunes every weight of the base on them (the reader, which
/// is what gets served as the base) and then a LoRA adapter over the reader, loss on the answers only.
/// </summary>
/// <param name="options">The recipe's settings.</param>
/// <param name="progress">Receives every stage's training events.</param>
/// <param name="producedBy">The command or job named as the maker in the reader's and adapter's lineage.json.</param>
public sealed class DomainBootstrap(DomainBootstrapOptions options, IProgress<TrainingEvent>? progress = null, string producedBy = SftLineage.Trainer)
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
        return new BaseTrainer(pretraining, progress).Run(new TextCorpus(domain.CorpusFolder), baseFolder, resume, cancellationToken);
    }

    /// <summary>What <see cref="TuneAsync"/> did.</summary>
    /// <param name="Data">The grounded examples laid out.</param>
    /// <param name="Reader">The all-weights stage, or null when skipped (<see cref="DomainBootstrapOptions.ReaderMinutes"/> 0).</param>
    /// <param name="Adapter">The LoRA stage.</param>
    /// <param name="ServedBase">The folder to serve as the base: the reader, or the pretrained base when the reader stage was skipped.</param>
    public sealed record Tuned(GroundedDataReport Data, TrainingSummary? Reader, TrainingSummary Adapter, string ServedBase);

    /// <summary>Writes the grounded examples to <paramref name="dataPath"/>, tunes the reader into <paramref name="readerFolder"/> and the adapter into <paramref name="adapterFolder"/>.</summary>
    /// <param name="domain">The domain (its Q/A file, system prompt, decline, safety instruction and held-out questions).</param>
    /// <param name="retriever">The domain's retriever, with its corpus indexed: the one chat uses.</param>
    /// <param name="catalog">The index's chunks (sentence examples are made from them).</param>
    /// <param name="baseFolder">The pretrained base (tokenizer included).</param>
    /// <param name="readerFolder">Where the reader (a whole Hugging Face folder) goes.</param>
    /// <param name="dataPath">Where the grounded examples are written (JSON Lines).</param>
    /// <param name="adapterFolder">Where the PEFT adapter and its lineage go.</param>
    /// <param name="cancellationToken">Stops between examples or steps.</param>
    public async Task<Tuned> TuneAsync(DomainProfile domain, IRetriever retriever, IChunkCatalog catalog, string baseFolder, string readerFolder,
        string dataPath, string adapterFolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var tokenizer = TokenizerLoader.Load(baseFolder);
        var builder = new GroundedExampleBuilder(retriever, catalog, tokenizer, options.ContextLength, options.Data);
        var report = await builder.WriteAsync(domain, HeldOutGuard.For(domain), dataPath, cancellationToken);
        // Both stages read the same examples with the same rows, schedule of evaluations and seed.
        var stage = new SftOptions
        {
            Epochs = options.SftEpochs, SequenceLength = options.SftSequenceLength ?? options.ContextLength - 1, EvalsPerEpoch = 4, Patience = 3,
            Seed = options.Seed, DataVersion = $"{domain.Name}-grounded",
        };
        TrainingSummary? reader = null;
        var served = baseFolder;
        if (options.ReaderMinutes > 0)
        {
            var full = stage with { FullParameters = true, LearningRate = options.ReaderLearningRate, MaxMinutes = options.ReaderMinutes };
            reader = await Task.Run(() => Tune(full, baseFolder, dataPath, readerFolder, cancellationToken), cancellationToken);
            if (reader.StopReason == StopReason.Cancelled) return new Tuned(report, reader, reader, readerFolder);
            served = readerFolder;
        }
        var sft = stage with { Rank = options.SftRank, LearningRate = options.SftLearningRate, MaxMinutes = options.SftMinutes };
        var adapter = await Task.Run(() => Tune(sft, served, dataPath, adapterFolder, cancellationToken), cancellationToken);
        return new Tuned(report, reader, adapter, served);
    }

    /// <summary>One SFT stage: loads the model it starts from and the grounded examples, then trains.</summary>
    TrainingSummary Tune(SftOptions stage, string modelFolder, string dataPath, string outputFolder, CancellationToken cancellationToken)
    {
        using var inputs = SftInputs.Load(modelFolder, null, dataPath, stage);
        return new SftTrainer(stage, progress, producedBy).Run(inputs.Model, inputs.Source, inputs.Data, outputFolder, cancellationToken);
    }
}
