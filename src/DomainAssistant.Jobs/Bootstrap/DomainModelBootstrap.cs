using System.Text.Json;
using DomainAssistant.Contracts;
using DomainAssistant.Grounding;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.ServiceDefaults;
using DomainAssistant.Training;
using DomainAssistant.Training.Bootstrap;
using DomainAssistant.Storage.Lineage;
using DomainAssistant.Training.Checkpointing;
using DomainAssistant.Training.Data;
using DomainAssistant.Training.Pretraining;
using DomainAssistant.Training.Progress;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Jobs.Bootstrap;

/// <summary>
/// Builds a domain's model (<see cref="DomainBootstrap"/>): a small base pretrained on the corpus, its grounded reader
/// and a grounded LoRA adapter ("sft"), under <c>Storage:DataDirectory</c>/models/bootstrap/{domain}, each stage
/// reused when an earlier run finished it. An interrupted pretraining resumes from its checkpoint; an interrupted
/// adapter starts again. The grounded examples are laid out with the host's retriever, whose index is ready when the
/// job starts (<see cref="BootstrapDomainModel"/>).
/// </summary>
/// <remarks>
/// Every stage it builds is recorded in the lineage ledger: the base (from the corpus version), the grounded examples
/// (from the corpus version), the reader and the adapter (each from its base and the examples).
/// </remarks>
public sealed partial class DomainModelBootstrap(BootstrapOptions options, StorageOptions storage, IRetriever retriever, IChunkCatalog chunks,
    ILineageLedger ledger, ILogger<DomainModelBootstrap> logger)
{
    /// <summary>The adapter name of the bootstrapped (and shipped) grounded adapter.</summary>
    public const string AdapterName = DomainBootstrap.AdapterName;

    /// <summary>Written beside the base once pretraining finished: its presence means "built".</summary>
    public const string BaseMarker = "bootstrap-base.json";

    /// <summary>Builds what is missing and says what to serve.</summary>
    /// <param name="jobId">The run, for the report.</param>
    /// <param name="domain">The domain whose corpus and Q/A train the model.</param>
    /// <param name="progress">A few notes a minute on what is happening.</param>
    /// <param name="cancellationToken">The host is stopping.</param>
    public async Task<DomainModelBootstrapped> BuildAsync(Guid jobId, DomainProfile domain, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(progress);
        var folder = Path.GetFullPath(storage.BootstrapFolder(domain.Name));
        var basePath = Path.Combine(folder, "base");
        var readerPath = Path.Combine(folder, "reader");
        var adapterPath = Path.Combine(folder, "adapters", AdapterName);
        var recipe = new DomainBootstrap(options.Recipe(), Throttled(progress), Maker(domain));

        if (File.Exists(Path.Combine(basePath, BaseMarker))) LogReusing("base", basePath);
        else
        {
            var summary = await Task.Run(() => Pretrain(recipe, domain, basePath, progress, cancellationToken), cancellationToken);
            await ledger.RecordAsync(PretrainingLineage.Of(domain.CorpusFolder, summary, Maker(domain)), cancellationToken);
        }

        if (File.Exists(Path.Combine(adapterPath, LineageRecord.FileName))) LogReusing("SFT adapter", adapterPath);
        else await FineTuneAsync(recipe, domain, basePath, readerPath, adapterPath, folder, progress, cancellationToken);
        // The reader (every weight tuned on grounded examples) is the served base when the recipe made one.
        var served = File.Exists(Path.Combine(readerPath, LineageRecord.FileName)) ? readerPath : basePath;
        return new DomainModelBootstrapped(jobId, domain.Name, served, AdapterName, adapterPath);
    }

    /// <summary>The maker named in the ledger and in lineage.json.</summary>
    static string Maker(DomainProfile domain) => $"job bootstrap {domain.Name}";

    TrainingSummary Pretrain(DomainBootstrap recipe, DomainProfile domain, string basePath, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var resume = TrainingCheckpoint.Find(basePath) is not null;
        progress.Report($"bootstrapping: pretraining a {options.Size} base on the {domain.Name} corpus ({(resume ? "resuming" : "first run")}, " +
            $"budget {options.BaseMinutes:0.#} min) into {basePath}");
        var summary = recipe.TrainBase(domain, basePath, cancellationToken);
        Finish(summary, cancellationToken);
        File.WriteAllText(Path.Combine(basePath, BaseMarker), JsonSerializer.Serialize(summary, Indented));
        return summary;
    }

    async Task FineTuneAsync(DomainBootstrap recipe, DomainProfile domain, string basePath, string readerPath, string adapterPath, string folder,
        IProgress<string> progress, CancellationToken cancellationToken)
    {
        // Half-written results of an interrupted run start again.
        foreach (var stale in new[] { readerPath, adapterPath }) if (Directory.Exists(stale)) Directory.Delete(stale, recursive: true);
        progress.Report($"bootstrapping: fine-tuning on grounded examples (reader {options.ReaderMinutes:0.#} min, SFT adapter {options.SftMinutes:0.#} min)");
        var dataPath = Path.Combine(folder, "sft-data", "train.jsonl");
        var tuned = await recipe.TuneAsync(domain, retriever, chunks, basePath, readerPath, dataPath, adapterPath, cancellationToken);
        LogGroundedData(tuned.Data.Total, tuned.Data.QaPairs, tuned.Data.Sentences, tuned.Data.Declines, tuned.Data.HeldOutSkipped);
        if (tuned.Reader is { } reader) Finish(reader, cancellationToken);
        Finish(tuned.Adapter, cancellationToken);
        // SftTrainer writes lineage.json last: it marks the reader and the adapter as built.
        var corpus = DatasetFiles.Find(domain.CorpusFolder);
        await ledger.RecordAsync(LineageRecord.Of(ArtifactKind.Dataset, DatasetFiles.Find(dataPath).Sha256, dataPath,
            [new LineageLink(ArtifactKind.CorpusVersion, corpus.Sha256, corpus.Root)], Maker(domain), tuned.Data), cancellationToken);
        if (tuned.Reader is not null) await ledger.RecordAsync(LineageRecord.Read(readerPath), cancellationToken);
        await ledger.RecordAsync(LineageRecord.Read(adapterPath), cancellationToken);
    }

    void Finish(TrainingSummary summary, CancellationToken cancellationToken)
    {
        if (summary.StopReason == StopReason.Cancelled)
        {
            if (File.Exists(Path.Combine(summary.Output, LineageRecord.FileName))) File.Delete(Path.Combine(summary.Output, LineageRecord.FileName));
            cancellationToken.ThrowIfCancellationRequested();
            throw new OperationCanceledException($"{summary.Job} training was cancelled.");
        }
        LogTrained(summary.Job, summary.Steps, summary.EvalLossBefore, summary.EvalLossAfter, summary.Seconds, summary.Output);
    }

    /// <summary>Passes on one note every few seconds (and every phase change) instead of one per training step.</summary>
    static InlineTrainingProgress Throttled(IProgress<string> progress)
    {
        var last = DateTime.MinValue;
        return new InlineTrainingProgress(e =>
        {
            if (e.Phase == TrainingPhase.Step && DateTime.UtcNow - last < TimeSpan.FromSeconds(5)) return;
            last = DateTime.UtcNow;
            var what = e.Job == "base" ? "pretraining base" : "fine-tuning on grounded examples";
            var loss = e.Loss is { } l ? $", loss {l:0.000}" : "";
            var eval = e.EvalLoss is { } v ? $", held-out loss {v:0.000}" : "";
            var left = e.Remaining is { } r ? $", about {r.TotalMinutes:0.0} min left" : "";
            var phase = e.Phase == TrainingPhase.Step ? "" : $" ({e.Phase.ToString().ToLowerInvariant()})";
            progress.Report($"bootstrapping: {what}{phase}: step {e.Step}/{e.TotalSteps} ({e.Fraction:P0}){loss}{eval}, {e.TokensPerSecond:N0} tokens/s{left}");
        });
    }

    sealed class InlineTrainingProgress(Action<TrainingEvent> report) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => report(value);
    }

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap: reusing the {What} built earlier at {Path}")]
    partial void LogReusing(string what, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap: {Total} grounded examples ({QaPairs} Q/A pairs, {Sentences} sentences, {Declines} declines); {Skipped} left out as held-out")]
    partial void LogGroundedData(int total, int qaPairs, int sentences, int declines, int skipped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap: {Job} done in {Steps} steps, held-out loss {Before:0.000} -> {After:0.000}, {Seconds:0} s; written to {Output}")]
    partial void LogTrained(string job, long steps, double before, double after, double seconds, string output);
}
