using System.Text.Json;
using DomainAssistant.Training;
using DomainAssistant.Alignment.Feedback;
using DomainAssistant.Alignment.Kto;
using DomainAssistant.Alignment.Preferences;
using DomainAssistant.Alignment.RewardModeling;
using DomainAssistant.Alignment.Rloo;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Grounding;
using DomainAssistant.Jobs.Bootstrap;
using DomainAssistant.Model;
using DomainAssistant.Model.Embeddings;
using DomainAssistant.Model.Lora;
using DomainAssistant.ServiceDefaults;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Jobs.Alignment;

/// <summary>
/// One alignment run of a domain, in <c>Storage:DataDirectory</c>/models/alignment/{domain}/{job id}: the domain's filed
/// feedback exported (feedback.jsonl), a reward model (RLOO; reward-model/) and a policy adapter (adapter/, with the
/// trainers' lineage.json) trained over the served model and the production adapter (an experiment's promoted
/// treatment, <see cref="PromotedAdapters"/>, else the served one), then the adapter gated against that adapter
/// on <c>{EvalSuites}/{domain}/gate.json</c>, the verdict stored (<see cref="IGateVerdictStore"/>) and written with the run (run.json).
/// A rerun of the same job trains on the feedback its first attempt exported and resumes the policy from its
/// checkpoint; the reward model is retrained (minutes).
/// </summary>
public sealed partial class DomainAlignment(AlignmentOptions options, ServedModelFiles served, PromotedAdapters promoted, StorageOptions storage,
    BootstrapOptions bootstrap, IAlignmentRunLedger ledger, IFeedbackInbox inbox, IGateVerdictStore verdicts, ILogger<DomainAlignment> logger)
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Where the runs of <paramref name="domain"/> keep their files.</summary>
    public string RunFolder(string domain, Guid jobId) => Path.GetFullPath(Path.Combine(storage.DataDirectory, "models", "alignment", domain, jobId.ToString("N")));

    /// <exception cref="InvalidDataException">Too little feedback (the message names how much there is and how much is needed), or a malformed suite.</exception>
    /// <exception cref="InvalidOperationException">The domain has no gate suite or no model, or the suite names another domain.</exception>
    public async Task<AlignmentRunFinished> RunAsync(StartAlignmentRun job, AlignmentProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(progress);
        if (!StartAlignmentRun.IsMethod(job.Method)) throw new InvalidOperationException($"unknown alignment method \"{job.Method}\" (rloo or kto).");
        var rloo = job.Method == StartAlignmentRun.Rloo;
        // The gate is checked before any training: an adapter that cannot be gated must not be trained.
        var suitePath = Path.Combine(options.EvalSuitesFolder(), job.Domain, "gate.json");
        if (!File.Exists(suitePath)) throw new InvalidOperationException($"the domain \"{job.Domain}\" has no gate suite at {suitePath}; a run's adapter is always gated, so none was trained.");
        var suite = GateSuiteFile.Read(suitePath);
        var domain = DomainFile.Read(suite.DomainFolder);
        if (domain.Name != job.Domain) throw new InvalidOperationException($"{suitePath} gates domain \"{domain.Name}\", not \"{job.Domain}\".");
        var (basePath, productionAdapter) = served.For(domain, storage, bootstrap);
        // Each round starts from, and is gated against, the adapter the last promoted experiment put in production.
        productionAdapter = await promoted.FolderAsync(job.Domain, cancellationToken) ?? productionAdapter;
        var folder = RunFolder(job.Domain, job.JobId);
        Directory.CreateDirectory(folder);

        // Seconds per stage, written with the run so a reader (the closed-loop benchmark, an operator) sees where time went.
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        var stageClock = System.Diagnostics.Stopwatch.StartNew();
        void EndStage(string stage)
        {
            seconds[stage] = Math.Round(stageClock.Elapsed.TotalSeconds, 1);
            stageClock.Restart();
        }
        object? rewardModelFigures = null;
        double kl;

        var feedbackPath = Path.Combine(folder, "feedback.jsonl");
        FeedbackExport.Result exported;
        if (File.Exists(feedbackPath))
        {
            // A resumed run: its first attempt's export (written whole or not at all) stays its data, so the reward
            // model and the policy's remaining steps see the votes its checkpoint was trained on, not later ones.
            progress.Enter("export", 0, 0.02, "reading the feedback this run exported before it stopped");
            exported = FeedbackExport.Describe(feedbackPath, "the feedback inbox");
            LogReusedExport(job.JobId, exported.Votes);
        }
        else
        {
            progress.Enter("export", 0, 0.02, $"exporting the newest filed feedback of {job.Domain} (at most {options.MaxVotes} votes)");
            exported = await FeedbackExport.ExportAsync(inbox, "the feedback inbox", feedbackPath, job.Domain, 0, options.MaxVotes, cancellationToken);
        }
        await ledger.RecordWindowAsync(job.JobId, exported.LastSequence, cancellationToken);
        var preferences = new PreferenceOptions { MinVotes = job.MinVotes ?? options.MinVotes };
        // Said apart from "too few votes": nothing filed at all usually means feedback goes elsewhere (another host's data).
        if (exported.Votes == 0)
            throw new InvalidDataException($"no filed feedback of \"{job.Domain}\" in the feedback inbox; at least {preferences.MinVotes} votes are needed. No model was written.");
        // Checked before any model loads: too little feedback ends the run in seconds, with a message that says so.
        FeedbackPreferences.Read(feedbackPath, preferences).Preferences.EnsureEnough(preferences);
        LogExported(job.JobId, exported.Votes, job.Domain, exported.FirstSequence, exported.LastSequence);
        EndStage("export");

        var seed = job.Seed ?? options.Seed;
        var maxMinutes = job.MaxMinutes ?? options.MaxMinutes;
        var adapterFolder = Path.Combine(folder, "adapter");
        string adapterSha;
        if (rloo)
        {
            progress.Enter("reward-model", 0.02, 0.3, $"training a reward model on {exported.Votes} votes");
            var rewardModel = Path.Combine(folder, "reward-model");
            var rm = await Task.Run(() =>
            {
                using var inputs = FeedbackInputs.Load(basePath, productionAdapter, feedbackPath, null, preferences);
                return new RewardModelTrainer(new RewardModelOptions
                {
                    Epochs = options.RewardModelEpochs, MaxLength = options.MaxLength, Seed = seed, Preferences = preferences,
                }, progress.Training()).Run(inputs.Start, inputs.Feedback, inputs.HeldOut, rewardModel, cancellationToken);
            }, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            LogRewardModel(job.JobId, rm.HeldoutAccuracy, rm.HeldoutAuc, rm.Ece);
            // JSON has no NaN: an AUC over a held-out set of one class is written as null.
            rewardModelFigures = new { HeldoutAccuracy = Finite(rm.HeldoutAccuracy), HeldoutAuc = Finite(rm.HeldoutAuc), Ece = Finite(rm.Ece) };
            EndStage("reward_model");

            var prompts = WritePrompts(feedbackPath, Path.Combine(folder, "prompts.jsonl"));
            progress.Enter("policy", 0.3, 0.8, $"RLOO on {prompts} prompts, {options.SamplesPerPrompt} answers each");
            var policy = await Task.Run(() =>
            {
                using var inputs = RlooInputs.Load(basePath, productionAdapter, rewardModel, Path.Combine(folder, "prompts.jsonl"));
                return new RlooTrainer(new RlooOptions
                {
                    SamplesPerPrompt = options.SamplesPerPrompt, PromptsPerIteration = options.PromptsPerIteration, Iterations = options.RlooIterations,
                    MaxNewTokens = options.MaxNewTokens, MaxLength = options.MaxLength, Seed = seed,
                }, progress.Training()).Run(inputs.Start, inputs.RewardModel, inputs.Prompts, adapterFolder, maxMinutes, cancellationToken);
            }, cancellationToken);
            EnsureNotCancelled(policy.StopReason, cancellationToken);
            adapterSha = policy.AdapterSha256;
            LogPolicy(job.JobId, "rloo", policy.StopReason, policy.Kl);
            kl = policy.Kl;
        }
        else
        {
            progress.Enter("policy", 0.02, 0.75, $"KTO on {exported.Votes} votes");
            var policy = await Task.Run(() =>
            {
                using var inputs = FeedbackInputs.Load(basePath, productionAdapter, feedbackPath, null, preferences);
                return new KtoTrainer(new KtoOptions
                {
                    Epochs = options.KtoEpochs, MaxLength = options.MaxLength, Seed = seed, Preferences = preferences,
                }, progress.Training()).Run(inputs.Start, inputs.Feedback, adapterFolder, maxMinutes, cancellationToken);
            }, cancellationToken);
            EnsureNotCancelled(policy.StopReason, cancellationToken);
            adapterSha = policy.AdapterSha256;
            LogPolicy(job.JobId, "kto", policy.StopReason, policy.Kl);
            kl = policy.Kl;
        }

        EndStage("policy");
        progress.Enter("gate", rloo ? 0.8 : 0.75, 1, $"judging the adapter against {(productionAdapter is null ? "the base model" : "the production adapter")} on {suite.Cases.Count} cases");
        var verdict = await GateAsync(suite, domain, basePath, adapterFolder, productionAdapter, progress, cancellationToken);
        var failed = verdict.Metrics.Where(m => !m.Passed).Select(m => $"{m.Metric.Name()}: {m.Reason}").ToList();
        var finished = new AlignmentRunFinished(job.JobId, job.Domain, job.Method, adapterFolder, adapterSha, verdict.Verdict, failed, verdict.ReportPath!,
            exported.Votes, exported.FirstSequence, exported.LastSequence);
        EndStage("gate");
        await File.WriteAllTextAsync(Path.Combine(folder, "run.json"), JsonSerializer.Serialize(new
        {
            finished.JobId, finished.Domain, finished.Method, job.RequestedBy, BaseModel = basePath, ProductionAdapter = productionAdapter,
            finished.AdapterFolder, finished.AdapterSha256, finished.Verdict, finished.FailedMetrics, finished.ReportPath, Suite = suitePath,
            finished.Votes, finished.FirstSequence, finished.LastSequence, RewardModel = rewardModelFigures, Kl = Finite(kl), Seconds = seconds,
        }, Indented), cancellationToken);
        LogGated(job.JobId, verdict.Verdict, adapterSha[..12]);
        return finished;
    }

    static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <summary>Judges the adapter as `da eval gate` does, stores the verdict and writes the report.</summary>
    async Task<GateVerdict> GateAsync(GateSuite suite, DomainProfile domain, string basePath, string candidate, string? baseline, AlignmentProgress progress,
        CancellationToken cancellationToken)
    {
        using var loaded = PretrainedModel.Load(basePath);
        PeftAdapter.Load(candidate, loaded.Model, "candidate");
        if (baseline is not null) PeftAdapter.Load(baseline, loaded.Model, "baseline");
        var subject = new GateSubject(loaded, "candidate", baseline is null ? null : "baseline", PeftAdapter.WeightsSha256(candidate),
            baseline is null ? null : PeftAdapter.WeightsSha256(baseline), WeightsChecksum.Of(basePath));
        await using var index = await ScratchIndex.BuildAsync(domain, cancellationToken);
        var runner = new GateRunner(suite, domain, index.Retriever, subject, TimeProvider.System);
        var outcome = await runner.RunAsync(new InlineProgress(p => progress.Step(p.Done, p.Total, null, "answers")), cancellationToken);
        var reportFolder = Path.Combine(storage.DataDirectory, "gates", $"{outcome.Verdict.CreatedAt:yyyyMMdd-HHmmss}-{subject.CandidateSha256[..12]}");
        var reportPath = GateReport.Write(reportFolder, outcome.Verdict, outcome.Findings);
        var verdict = outcome.Verdict with { ReportPath = Path.GetFullPath(reportPath) };
        await verdicts.AddAsync(verdict, cancellationToken);
        return verdict;
    }

    /// <summary>RLOO's prompts: each distinct prompt of the votes as the model saw it, with the chunks its context held.</summary>
    /// <returns>How many prompts were written.</returns>
    static int WritePrompts(string feedbackPath, string promptsPath)
    {
        var prompts = FeedbackFile.Read(feedbackPath).GroupBy(v => v.Prompt, StringComparer.Ordinal)
            .Select(g => JsonSerializer.Serialize(new { prompt = g.Key, chunks = g.Last().RetrievedChunkIds.Count }))
            .ToList();
        File.WriteAllLines(promptsPath, prompts);
        return prompts.Count;
    }

    static void EnsureNotCancelled(StopReason stopReason, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (stopReason == StopReason.Cancelled) throw new OperationCanceledException("the policy training was cancelled.");
    }

    sealed class InlineProgress(Action<(int Done, int Total)> report) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => report(value);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alignment run {JobId}: {Votes} filed votes of {Domain} exported (sequences {First} to {Last})")]
    partial void LogExported(Guid jobId, int votes, string domain, long? first, long? last);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alignment run {JobId} resumed: training on the {Votes} votes its first attempt exported")]
    partial void LogReusedExport(Guid jobId, int votes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alignment run {JobId}: reward model held-out accuracy {Accuracy:P1}, AUC {Auc:0.000}, ECE {Ece:0.000}")]
    partial void LogRewardModel(Guid jobId, double accuracy, double auc, double ece);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alignment run {JobId}: {Method} policy stopped ({StopReason}), KL {Kl:0.000} nats")]
    partial void LogPolicy(Guid jobId, string method, StopReason stopReason, double kl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alignment run {JobId}: gate verdict {Verdict} for adapter {Sha}")]
    partial void LogGated(Guid jobId, string verdict, string sha);
}
