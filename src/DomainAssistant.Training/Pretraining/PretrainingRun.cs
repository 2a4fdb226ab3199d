using DomainAssistant.Model;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Training.Checkpointing;
using DomainAssistant.Training.Data;
using DomainAssistant.Training.Evaluation;
using DomainAssistant.Training.Runs;
using DomainAssistant.Training.Optimization;
using DomainAssistant.Training.Progress;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Training.Pretraining;

/// <summary>
/// The state of one pretraining run in memory (model, float32 masters, AdamW, data generator, step, losses) and
/// its steps as a <see cref="ITrainingSession"/>: sample, step, evaluate, checkpoint, in <see cref="TrainingLoop"/>.
/// </summary>
sealed class PretrainingRun : ITrainingSession, IDisposable
{
    const int PlanningSteps = 3; // steps timed before a time-limited schedule is sized
    const string Job = "base";

    readonly PretrainingOptions _options;
    readonly string _outputFolder;
    readonly TokenCorpus _train;
    readonly TokenCorpus _heldOut;
    readonly IProgress<TrainingEvent>? _progress;
    readonly TrainableWeights _weights;
    readonly AdamW _optimizer;
    readonly DataRandom _random;
    readonly List<double> _losses;
    readonly List<double[]> _evalLosses;
    readonly double _previousSeconds;
    long _tokens;
    long? _totalSteps;
    CosineSchedule _schedule = null!; // set when Train starts
    long _startStep;
    double _learningRate;

    public PretrainingRun(LlamaConfig config, PretrainingOptions options, LoadedCheckpoint? checkpoint, string outputFolder,
        TokenCorpus train, TokenCorpus heldOut, IProgress<TrainingEvent>? progress)
    {
        (_options, _outputFolder, _train, _heldOut, _progress) = (options, outputFolder, train, heldOut, progress);
        Config = config;
        Model = LlamaForCausalLM.Create(config);
        ModelInitialisation.Apply(Model, options.Seed);
        if (checkpoint is not null)
        {
            using var noGrad = no_grad();
            Model.LoadWeights(checkpoint.Weights);
            if (checkpoint.TorchRandomState is { } saved) random.set_rng_state(saved);
        }
        // Masters are taken before any cast to bfloat16, so they hold the exact float32 weights.
        var masters = Model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone(), StringComparer.Ordinal);
        if (options.Precision == TrainingPrecision.Bf16) Model.to(ScalarType.BFloat16);
        _weights = TrainableWeights.Create(Model.named_parameters().Select(p => (p.name, p.parameter)), (_, p) => p.dim() == 2);
        using (no_grad())
        {
            foreach (var weight in _weights.Weights) weight.Master.copy_(masters[weight.Name]);
        }
        foreach (var master in masters.Values) master.Dispose();
        _optimizer = new AdamW(_weights.Weights, new AdamWOptions(WeightDecay: options.WeightDecay));
        var state = checkpoint?.State;
        if (checkpoint is not null) _optimizer.Load(checkpoint.OptimizerState, state!.Step, TrainingCheckpoint.FolderName);
        _random = new DataRandom(state?.DataRandomState ?? options.Seed);
        Step = state?.Step ?? 0;
        _tokens = state?.Tokens ?? 0;
        _totalSteps = state?.TotalSteps ?? options.Steps ?? (options.MaxMinutes is null ? EpochSteps() : null);
        _losses = [.. state?.Losses ?? []];
        _evalLosses = [.. state?.EvalLosses ?? []];
        _previousSeconds = state?.Seconds ?? 0;
        Model.train();
    }

    public LlamaConfig Config { get; }
    public LlamaForCausalLM Model { get; }
    public long Step { get; private set; }
    public long TotalSteps => _totalSteps ?? EpochSteps();
    public IReadOnlyList<double> Losses => _losses;
    public double? LastLoss => _losses.Count > 0 ? _losses[^1] : null;

    /// <summary>The held-out loss before the run's first step (measured now for a fresh run).</summary>
    public double EvalLossBefore() => _evalLosses.Count > 0 ? _evalLosses[0][1] : Evaluate(null);

    long StepTokens => (long)_options.BatchRows * _options.SequenceLength * _options.AccumulationSteps;

    long EpochSteps() => Math.Max(1, (long)Math.Ceiling(_options.Epochs * _train.Length / StepTokens));

    /// <summary>Trains until the schedule ends, the clock runs out or <paramref name="cancellation"/> fires; returns why it stopped.</summary>
    public StopReason Train(TrainingClock clock, CancellationToken cancellation)
    {
        _schedule = new CosineSchedule(_options.LearningRate, _options.WarmupSteps, TotalSteps, _options.MinLearningRateRatio);
        _startStep = Step;
        return TrainingLoop.Run(this, clock, DivergenceHandling.Throw, cancellation);
    }

    public bool HasNextStep => Step < TotalSteps;

    public TrainingStepOutcome TakeStep()
    {
        var batches = Enumerable.Range(0, _options.AccumulationSteps).Select(_ => _train.Sample(_random, _options.BatchRows, _options.SequenceLength)).ToList();
        _learningRate = _schedule.At(Step);
        var result = TrainingStep.Take(Model, null, batches, _weights, _optimizer, _learningRate, _options.GradientClip, Step + 1);
        (Step, _tokens) = (Step + 1, _tokens + result.Tokens);
        _losses.Add(result.Loss);
        return new TrainingStepOutcome(result.Tokens, result.Loss);
    }

    public void Stepped(TrainingStepOutcome outcome, TrainingClock clock)
    {
        if (_totalSteps is null && Step - _startStep == PlanningSteps) _schedule = _schedule with { TotalSteps = PlanFromClock(clock) };
        Report(TrainingPhase.Step, clock, outcome.Loss, _learningRate);
    }

    public bool EvaluationDue => Step % _options.EvalEvery == 0 && Step < TotalSteps;

    bool ITrainingSession.Evaluate(TrainingClock clock)
    {
        Evaluate(clock);
        return false;
    }

    public bool CheckpointDue => Step % _options.CheckpointEvery == 0 && Step < TotalSteps;

    public void Interrupted(StopReason reason, TrainingClock clock) { }

    /// <summary>Sizes a time-limited schedule: the steps that fit in 90% of the time left at the mean step time so far.</summary>
    long PlanFromClock(TrainingClock clock)
    {
        var limit = TimeSpan.FromMinutes(_options.MaxMinutes!.Value);
        var rate = clock.TokensPerSecond;
        var secondsPerStep = rate > 0 ? StepTokens / rate : 1;
        var affordable = (long)((limit - clock.Elapsed).TotalSeconds * 0.9 / secondsPerStep);
        _totalSteps = Math.Max(Step + 1, Step + affordable);
        return _totalSteps.Value;
    }

    /// <summary>Measures the held-out loss (eval mode, no gradients) and records it at the current step.</summary>
    public double Evaluate(TrainingClock? clock)
    {
        Model.eval();
        var loss = LanguageModelLoss.Mean(Model, _heldOut.Windows(_options.BatchRows, _options.SequenceLength), null).Loss;
        Model.train();
        _evalLosses.Add([Step, loss]);
        if (clock is not null) Report(TrainingPhase.Evaluated, clock, LastLoss, 0);
        return loss;
    }

    public double LastEvalLoss => _evalLosses[^1][1];

    /// <summary>Writes the checkpoint atomically, after checking every weight is finite (a bad state is never saved).</summary>
    public void Checkpoint(TrainingClock clock)
    {
        using (no_grad())
        {
            foreach (var weight in _weights.Weights)
            {
                using var finite = weight.Master.isfinite().all();
                if (!finite.item<bool>()) throw new TrainingDivergedException(Step, $"weight {weight.Name}", double.NaN);
            }
        }
        var state = new TrainerState
        {
            Job = Job, Step = Step, TotalSteps = TotalSteps, Tokens = _tokens, DataRandomState = _random.State,
            Options = TrainerState.SerializeOptions(_options), Losses = _losses, EvalLosses = _evalLosses,
            Seconds = _previousSeconds + clock.Elapsed.TotalSeconds,
        };
        TrainingCheckpoint.Save(_outputFolder, Config, Masters(), _optimizer.State(), state);
        Report(TrainingPhase.Checkpointed, clock, LastLoss, 0, $"checkpoint at step {Step}");
    }

    /// <summary>Writes the model (float32) as a Hugging Face folder beside the tokenizer files.</summary>
    public void WriteModel() => HuggingFaceFolder.Save(_outputFolder, Config, Masters());

    public long TrainableParameters => _weights.Weights.Sum(w => w.Master.NumberOfElements);

    Dictionary<string, Tensor> Masters() => _weights.Weights.ToDictionary(w => w.Name, w => w.Master, StringComparer.Ordinal);

    public void Report(TrainingPhase phase, TrainingClock clock, double? loss, double learningRate, string? message = null) =>
        _progress?.Report(new TrainingEvent(Job, phase, Step, TotalSteps, 0, _tokens, clock.TokensPerSecond, loss,
            _evalLosses.Count > 0 ? _evalLosses[^1][1] : null, learningRate, clock.Elapsed, clock.Remaining(TotalSteps - Step), message));

    public void Dispose()
    {
        _optimizer.Dispose();
        _weights.Dispose();
        Model.Dispose();
    }
}
