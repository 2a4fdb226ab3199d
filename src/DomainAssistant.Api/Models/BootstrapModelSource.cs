using DomainAssistant.Grounding;
using System.Text.Json;
using DomainAssistant.Api.Configuration;
using DomainAssistant.Api.Domains;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.Training;
using DomainAssistant.Training.Checkpointing;
using DomainAssistant.Training.Pretraining;
using DomainAssistant.Training.Progress;
using DomainAssistant.Training.Sft;

namespace DomainAssistant.Api.Models;

/// <summary>
/// The embedded default model when <c>Model:Path</c> is unset: a small base pretrained on the default domain's corpus,
/// then a LoRA SFT adapter ("sft") on its Q/A pairs laid out as grounded chat turns, both built once under
/// <c>Storage:DataDirectory</c>/models/bootstrap/{domain} with progress in the log and on /health, and reused on every
/// later start. An interrupted pretraining resumes from its checkpoint; an interrupted SFT starts again.
/// </summary>
public sealed partial class BootstrapModelSource(BootstrapOptions options, StorageOptions storage, DomainCatalog domains, CorpusIndex index,
    IRetriever retriever, ILogger<BootstrapModelSource> logger) : IModelSource
{
    /// <summary>The adapter name of the bootstrapped SFT adapter.</summary>
    public const string AdapterName = "sft";

    /// <summary>Written beside the base once pretraining finished: its presence means "built".</summary>
    public const string BaseMarker = "bootstrap-base.json";

    public async Task<ModelLocation> ResolveAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var domain = domains.Find(options.Domain)
            ?? throw new InvalidOperationException(options.Domain is null
                ? "Model:Path is not set and there is no domain to bootstrap a model from (Domains:Root has none)."
                : $"Model:Bootstrap:Domain \"{options.Domain}\" is not a domain under {domains.Root}.");
        var folder = Path.GetFullPath(storage.BootstrapFolder(domain.Name));
        var basePath = Path.Combine(folder, "base");
        var adapterPath = Path.Combine(folder, "adapters", AdapterName);
        var name = $"bootstrap-{domain.Name}";

        if (File.Exists(Path.Combine(basePath, BaseMarker))) LogReusing("base", basePath);
        else await Task.Run(() => Pretrain(domain, basePath, progress, cancellationToken), cancellationToken);

        if (domain.TrainQaPath is null || !File.Exists(domain.TrainQaPath))
        {
            LogNoQa(domain.Name);
            return new ModelLocation(basePath, null, name, new Dictionary<string, string>(), null);
        }
        if (File.Exists(Path.Combine(adapterPath, LineageRecord.FileName))) LogReusing("SFT adapter", adapterPath);
        else await FineTuneAsync(domain, basePath, adapterPath, folder, progress, cancellationToken);
        return new ModelLocation(basePath, null, name, new Dictionary<string, string> { [AdapterName] = adapterPath }, AdapterName);
    }

    void Pretrain(DomainProfile domain, string basePath, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var resume = TrainingCheckpoint.Find(basePath) is not null;
        progress.Report($"bootstrapping: pretraining a {options.Size} base on the {domain.Name} corpus ({(resume ? "resuming" : "first run")}, " +
            $"budget {options.BaseMinutes:0.#} min) into {basePath}");
        var pretraining = new PretrainingOptions
        {
            Size = options.Size, VocabSize = options.VocabSize, MaxPositions = options.ContextLength,
            SequenceLength = Math.Min(256, options.ContextLength), BatchRows = options.BatchRows,
            Steps = options.BaseSteps, MaxMinutes = options.BaseMinutes,
        };
        var summary = new BaseTrainer(pretraining, Throttled("pretraining base", progress)).Run(domain.CorpusFolder, basePath, resume, cancellationToken);
        Finish(summary, cancellationToken);
        File.WriteAllText(Path.Combine(basePath, BaseMarker), JsonSerializer.Serialize(summary, Indented));
    }

    async Task FineTuneAsync(DomainProfile domain, string basePath, string adapterPath, string folder, IProgress<string> progress, CancellationToken cancellationToken)
    {
        progress.Report("bootstrapping: waiting for the index to lay out grounded SFT examples");
        await index.WhenReadyWithoutModelAsync(cancellationToken);
        var dataPath = Path.Combine(folder, "sft-data", "train.jsonl");
        var tokenizer = TokenizerLoader.Load(basePath);
        bool Fits(IReadOnlyList<ChatMessage> turn) => tokenizer.EncodeChat(turn, addGenerationPrompt: false).Length <= options.SftSequenceLength;
        var examples = await GroundedQa.WriteAsync(domain, retriever, options.ContextChunks, Fits, dataPath, cancellationToken);
        progress.Report($"bootstrapping: fine-tuning the SFT adapter on {examples} grounded Q/A examples (budget {options.SftMinutes:0.#} min)");
        if (Directory.Exists(adapterPath)) Directory.Delete(adapterPath, recursive: true); // a half-written adapter from an interrupted run
        var sft = new SftOptions
        {
            Epochs = options.SftEpochs, SequenceLength = options.SftSequenceLength, MaxMinutes = options.SftMinutes,
            DataVersion = $"{domain.Name}-bootstrap",
        };
        var summary = await Task.Run(() => new SftTrainer(sft, Throttled("fine-tuning SFT adapter", progress)).Run(basePath, dataPath, adapterPath, cancellationToken),
            cancellationToken);
        Finish(summary, cancellationToken);
        // SftTrainer writes lineage.json last: it marks the adapter as built.
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
    static InlineTrainingProgress Throttled(string what, IProgress<string> progress)
    {
        var last = DateTime.MinValue;
        return new InlineTrainingProgress(e =>
        {
            if (e.Phase == TrainingPhase.Step && DateTime.UtcNow - last < TimeSpan.FromSeconds(5)) return;
            last = DateTime.UtcNow;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bootstrap: domain {Domain} has no Q/A training file; serving the base without an SFT adapter")]
    partial void LogNoQa(string domain);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap: {Job} done in {Steps} steps, held-out loss {Before:0.000} -> {After:0.000}, {Seconds:0} s; written to {Output}")]
    partial void LogTrained(string job, long steps, double before, double after, double seconds, string output);
}
