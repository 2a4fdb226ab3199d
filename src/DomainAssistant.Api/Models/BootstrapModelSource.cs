using System.Text.Json;
using DomainAssistant.Api.Configuration;
using DomainAssistant.Api.Domains;
using DomainAssistant.Grounding;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.ServiceDefaults;
using DomainAssistant.Training;
using DomainAssistant.Training.Bootstrap;
using DomainAssistant.Training.Checkpointing;
using DomainAssistant.Training.Progress;
using DomainAssistant.Training.Sft;

namespace DomainAssistant.Api.Models;

/// <summary>
/// The embedded default model when <c>Model:Path</c> is unset. The domain's shipped model (domains/{domain}/model:
/// base/ and adapter/, produced by `da bootstrap`) is served when its checksums hold; a corrupt or missing file is
/// logged by name and the model is bootstrapped instead (<see cref="DomainBootstrap"/>): a small base pretrained on
/// the corpus, its grounded reader and a grounded LoRA adapter ("sft"), built once under <c>Storage:DataDirectory</c>/models/bootstrap/{domain}
/// with progress in the log and on /health, and reused on every later start. An interrupted pretraining resumes from
/// its checkpoint; an interrupted adapter starts again.
/// </summary>
public sealed partial class BootstrapModelSource(BootstrapOptions options, StorageOptions storage, DomainCatalog domains, CorpusIndex index,
    IRetriever retriever, IChunkCatalog chunks, ILogger<BootstrapModelSource> logger) : IModelSource
{
    /// <summary>The adapter name of the bootstrapped (and shipped) grounded adapter.</summary>
    public const string AdapterName = DomainBootstrap.AdapterName;

    /// <summary>Written beside the base once pretraining finished: its presence means "built".</summary>
    public const string BaseMarker = "bootstrap-base.json";

    /// <summary>A domain's shipped model: <c>{domain folder}/model</c> with base/, adapter/ and checksums.sha256.</summary>
    public static string ShippedFolder(DomainProfile domain) => Path.Combine(domain.Folder, "model");

    public async Task<ModelLocation> ResolveAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var domain = domains.Find(options.Domain)
            ?? throw new InvalidOperationException(options.Domain is null
                ? "Model:Path is not set and there is no domain to bootstrap a model from (Domains:Root has none)."
                : $"Model:Bootstrap:Domain \"{options.Domain}\" is not a domain under {domains.Root}.");
        if (options.UseShippedModel && Shipped(domain) is { } shipped) return shipped;

        var folder = Path.GetFullPath(storage.BootstrapFolder(domain.Name));
        var basePath = Path.Combine(folder, "base");
        var readerPath = Path.Combine(folder, "reader");
        var adapterPath = Path.Combine(folder, "adapters", AdapterName);
        var name = $"bootstrap-{domain.Name}";
        var recipe = new DomainBootstrap(options.Recipe(), Throttled(progress));

        if (File.Exists(Path.Combine(basePath, BaseMarker))) LogReusing("base", basePath);
        else await Task.Run(() => Pretrain(recipe, domain, basePath, progress, cancellationToken), cancellationToken);

        if (File.Exists(Path.Combine(adapterPath, LineageRecord.FileName))) LogReusing("SFT adapter", adapterPath);
        else await FineTuneAsync(recipe, domain, basePath, readerPath, adapterPath, folder, progress, cancellationToken);
        // The reader (every weight tuned on grounded examples) is the served base when the recipe made one.
        var served = File.Exists(Path.Combine(readerPath, LineageRecord.FileName)) ? readerPath : basePath;
        return new ModelLocation(served, null, name, new Dictionary<string, string> { [AdapterName] = adapterPath }, AdapterName);
    }

    /// <summary>The shipped model when the domain has one and every file matches its checksum; null (logged) otherwise.</summary>
    ModelLocation? Shipped(DomainProfile domain)
    {
        var folder = ShippedFolder(domain);
        if (!Directory.Exists(folder)) return null;
        var problems = FolderChecksums.Verify(folder);
        if (problems.Count > 0)
        {
            foreach (var problem in problems) LogShippedCorrupt(problem);
            LogFallingBack(domain.Name);
            return null;
        }
        LogServingShipped(folder);
        return new ModelLocation(Path.Combine(folder, "base"), null, $"{domain.Name}-grounded",
            new Dictionary<string, string> { [AdapterName] = Path.Combine(folder, "adapter") }, AdapterName);
    }

    void Pretrain(DomainBootstrap recipe, DomainProfile domain, string basePath, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var resume = TrainingCheckpoint.Find(basePath) is not null;
        progress.Report($"bootstrapping: pretraining a {options.Size} base on the {domain.Name} corpus ({(resume ? "resuming" : "first run")}, " +
            $"budget {options.BaseMinutes:0.#} min) into {basePath}");
        var summary = recipe.TrainBase(domain, basePath, cancellationToken);
        Finish(summary, cancellationToken);
        File.WriteAllText(Path.Combine(basePath, BaseMarker), JsonSerializer.Serialize(summary, Indented));
    }

    async Task FineTuneAsync(DomainBootstrap recipe, DomainProfile domain, string basePath, string readerPath, string adapterPath, string folder,
        IProgress<string> progress, CancellationToken cancellationToken)
    {
        progress.Report("bootstrapping: waiting for the index to lay out grounded examples");
        await index.WhenReadyWithoutModelAsync(cancellationToken);
        // Half-written results of an interrupted run start again.
        foreach (var stale in new[] { readerPath, adapterPath }) if (Directory.Exists(stale)) Directory.Delete(stale, recursive: true);
        progress.Report($"bootstrapping: fine-tuning on grounded examples (reader {options.ReaderMinutes:0.#} min, SFT adapter {options.SftMinutes:0.#} min)");
        var tuned = await recipe.TuneAsync(domain, retriever, chunks, basePath, readerPath, Path.Combine(folder, "sft-data", "train.jsonl"), adapterPath,
            cancellationToken);
        LogGroundedData(tuned.Data.Total, tuned.Data.QaPairs, tuned.Data.Sentences, tuned.Data.Declines, tuned.Data.HeldOutSkipped);
        if (tuned.Reader is { } reader) Finish(reader, cancellationToken);
        Finish(tuned.Adapter, cancellationToken);
        // SftTrainer writes lineage.json last: it marks the reader and the adapter as built.
    }

    void Finish(TrainingSummary summary, CancellationToken cancellationToken)
    {
        if (summary.StopReason == "cancelled")
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving the domain's shipped model from {Folder} (checksums verified)")]
    partial void LogServingShipped(string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shipped model: {Problem}")]
    partial void LogShippedCorrupt(string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shipped model of {Domain} failed its checksum check: bootstrapping a model instead (minutes on a CPU)")]
    partial void LogFallingBack(string domain);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap: {Total} grounded examples ({QaPairs} Q/A pairs, {Sentences} sentences, {Declines} declines); {Skipped} left out as held-out")]
    partial void LogGroundedData(int total, int qaPairs, int sentences, int declines, int skipped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap: {Job} done in {Steps} steps, held-out loss {Before:0.000} -> {After:0.000}, {Seconds:0} s; written to {Output}")]
    partial void LogTrained(string job, long steps, double before, double after, double seconds, string output);
}
