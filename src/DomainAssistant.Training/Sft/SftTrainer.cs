using DomainAssistant.Model;
using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Training.Data;
using DomainAssistant.Training.Progress;
using DomainAssistant.Training.Tokenizers;

namespace DomainAssistant.Training.Sft;

/// <summary>
/// Supervised fine-tuning: a loaded base model and dataset in (<see cref="SftInputs"/> loads them from paths); out, a PEFT adapter folder (adapter_config.json,
/// adapter_model.safetensors) with the base frozen and never written, or with <see cref="SftOptions.FullParameters"/>
/// a whole Hugging Face model folder (config, weights, the base's tokenizer files); lineage.json beside either.
/// </summary>
/// <remarks>
/// A share of the examples (<see cref="SftOptions.EvalShare"/>, chosen by the seed) is held out: it decides early
/// stopping and gives eval_loss_before (the base, since a fresh adapter changes nothing) and eval_loss_after (the
/// adapter kept). Held-out losses are measured one example per row in float32, whatever the training precision.
/// </remarks>
/// <param name="options">The run's settings.</param>
/// <param name="progress">Receives the run's events.</param>
/// <param name="producedBy">The command or job named as the maker in lineage.json.</param>
public sealed class SftTrainer(SftOptions options, IProgress<TrainingEvent>? progress = null, string producedBy = SftLineage.Trainer)
{
    readonly SftOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    readonly string _producedBy = producedBy;

    /// <summary>Fine-tunes and writes the adapter and lineage into <paramref name="outputFolder"/>.</summary>
    /// <param name="pretrained">The base model, loaded (see <see cref="SftInputs.Load"/>); it gets the adapter attached, or with
    /// <see cref="SftOptions.FullParameters"/> its weights tuned. The caller owns it.</param>
    /// <param name="source">Where the base came from: lineage.json and the adapter's config name it, and a whole-model output takes its tokenizer files.</param>
    /// <param name="data">The examples, encoded with the base's tokenizer.</param>
    /// <param name="outputFolder">Where the adapter goes (created when missing).</param>
    /// <param name="cancellation">Stops after the current step; the best adapter so far is still written.</param>
    public TrainingSummary Run(PretrainedModel pretrained, BaseModelLineage source, SftData data, string outputFolder, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(data);
        _options.Validate();
        var started = DateTimeOffset.UtcNow;
        var clock = new TrainingClock(_options.MaxMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null);
        var model = pretrained.Model;
        var sequenceLength = Math.Min(_options.SequenceLength, model.Config.MaxPositionEmbeddings - 1);
        var options = _options with { SequenceLength = sequenceLength };
        var (train, eval) = Split(data.Examples, options);
        var evalRows = SequencePacker.OnePerRow(eval, sequenceLength + 1).OrderBy(r => r.Length).ToList();
        if (evalRows.Count == 0) throw new InvalidDataException("the held-out examples are too short to evaluate (fewer than 2 tokens each).");

        if (!options.FullParameters) model.AddAdapter(SftRun.AdapterName, LoraConfigFor(options, source), unchecked((long)options.Seed));
        using var run = new SftRun(model, train, evalRows, options, PadId(pretrained.Tokenizer), progress);
        var before = run.HeldOut();
        progress?.Report(new TrainingEvent("sft", TrainingPhase.Started, 0, 0, 1, 0, 0, null, before, 0, clock.Elapsed, null,
            $"{run.TrainableParameters:N0} {(options.FullParameters ? "model" : "adapter")} parameters, {train.Count} training and {eval.Count} held-out examples, {data.Issues.Count} lines skipped"));
        var reason = run.Train(clock, cancellation);
        run.KeepBest();
        var after = run.HeldOut();
        Directory.CreateDirectory(outputFolder);
        var weightsFile = options.FullParameters ? SaveModel(source, outputFolder, model) : SaveAdapter(outputFolder, model);

        var skipped = data.Issues.Select(i => i.ToString()).ToList();
        var dataset = new DatasetLineage
        {
            Path = data.Source, Sha256 = data.Files.Sha256, Version = options.DataVersion ?? data.Files.Sha256[..12],
            Files = [.. data.Files.Files.Select(f => Path.GetRelativePath(data.Files.Root, f))],
            TrainExamples = train.Count, EvalExamples = eval.Count, Truncated = run.TruncatedExamples, SkippedLines = skipped,
        };
        WriteLineage(outputFolder, weightsFile, source, dataset, options, run, (before, after), reason, started, clock);
        progress?.Report(new TrainingEvent("sft", TrainingPhase.Finished, run.Step, run.TotalSteps, (int)Math.Ceiling(run.BestEpoch), run.Tokens,
            clock.TokensPerSecond, null, after, 0, clock.Elapsed, TimeSpan.Zero, reason.Name()));
        return new TrainingSummary
        {
            Job = "sft", Output = Path.GetFullPath(outputFolder), EvalLossBefore = before, EvalLossAfter = after,
            TrainTokens = clock.Tokens, TokensPerSecond = clock.TokensPerSecond, Steps = run.Step, TotalSteps = run.TotalSteps,
            Completed = reason.Completed(), StopReason = reason, Seconds = clock.Elapsed.TotalSeconds,
            Parameters = model.parameters().Sum(p => p.NumberOfElements) + (options.FullParameters ? 0 : run.TrainableParameters),
            TrainableParameters = run.TrainableParameters, SkippedLines = skipped,
        };
    }

    static string SaveAdapter(string outputFolder, Model.Modeling.LlamaForCausalLM model)
    {
        PeftAdapter.Save(outputFolder, model, SftRun.AdapterName);
        return Path.Combine(outputFolder, PeftAdapter.WeightsFileName);
    }

    /// <summary>The tuned model as a Hugging Face folder beside its base's tokenizer files; returns the weights file.</summary>
    static string SaveModel(BaseModelLineage source, string outputFolder, Model.Modeling.LlamaForCausalLM model)
    {
        var weights = model.named_parameters().ToDictionary(p => p.name, p => (TorchSharp.torch.Tensor)p.parameter.detach(), StringComparer.Ordinal);
        Model.Checkpoints.HuggingFaceFolder.Save(outputFolder, model.Config, weights);
        foreach (var file in TokenizerFiles)
        {
            var from = Path.Combine(source.Path, file);
            if (File.Exists(from)) File.Copy(from, Path.Combine(outputFolder, file), overwrite: true);
        }
        return Path.Combine(outputFolder, "model.safetensors");
    }

    static readonly string[] TokenizerFiles =
        [HuggingFaceTokenizerFolder.TokenizerFile, HuggingFaceTokenizerFolder.ConfigFile, HuggingFaceTokenizerFolder.SpecialTokensMapFile, "tokenizer.model"];

    /// <summary>Writes lineage.json, the folder's <see cref="Storage.Lineage.LineageRecord"/> with <see cref="SftLineage"/> details.</summary>
    void WriteLineage(string outputFolder, string weightsFile, BaseModelLineage source, DatasetLineage dataset, SftOptions options, SftRun run,
        (double Before, double After) loss, StopReason reason, DateTimeOffset started, TrainingClock clock)
    {
        var lineage = new SftLineage
        {
            Method = options.FullParameters ? "full-sft" : "lora-sft", AdapterSha256 = DatasetFiles.FileSha256(weightsFile),
            BaseModel = source,
            Dataset = dataset, Hyperparameters = options, Metrics = run.Metrics, EvalLossBefore = loss.Before, EvalLossAfter = loss.After,
            BestEpoch = run.BestEpoch, StopReason = reason, StartedAt = started, FinishedAt = DateTimeOffset.UtcNow,
            DurationSeconds = clock.Elapsed.TotalSeconds,
        };
        lineage.ToRecord(outputFolder, _producedBy).Write(outputFolder);
    }

    /// <summary>Holds out a seeded random share of the examples (at least one, never all).</summary>
    static (List<TrainingExample> Train, List<TrainingExample> Eval) Split(IReadOnlyList<TrainingExample> examples, SftOptions options)
    {
        if (examples.Count < 2) throw new InvalidDataException($"fine-tuning needs at least 2 usable examples (one is held out), got {examples.Count}.");
        var order = Enumerable.Range(0, examples.Count).ToList();
        new DataRandom(options.Seed ^ 0x5EEDUL).Shuffle(order);
        var evalCount = Math.Clamp((int)Math.Round(examples.Count * options.EvalShare), 1, examples.Count - 1);
        var held = order.Take(evalCount).ToHashSet();
        return ([.. examples.Where((_, i) => !held.Contains(i))], [.. examples.Where((_, i) => held.Contains(i))]);
    }

    static LoraConfig LoraConfigFor(SftOptions options, BaseModelLineage source) => new()
    {
        R = options.Rank,
        LoraAlpha = options.Alpha ?? 2.0 * options.Rank,
        LoraDropout = options.LoraDropout,
        TargetModules = options.Targets == "all-linear"
            ? LoraTargets.AllLinear
            : LoraTargets.Of(options.Targets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
        BaseModelNameOrPath = source.Path,
    };

    /// <summary>The id padding positions carry (never trained or attended to by real tokens): pad, else EOS, else 0.</summary>
    static int PadId(ModelTokenizer tokenizer) =>
        tokenizer.SpecialTokens.TryGetValue("<|pad|>", out var pad) ? pad : tokenizer.EosId ?? 0;
}
