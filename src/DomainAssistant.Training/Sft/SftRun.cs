using DomainAssistant.Model.Modeling;
using DomainAssistant.Training.Data;
using DomainAssistant.Training.Evaluation;
using DomainAssistant.Training.Runs;
using DomainAssistant.Training.Optimization;
using DomainAssistant.Training.Progress;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Training.Sft;

/// <summary>
/// The epochs of one fine-tuning run as a <see cref="ITrainingSession"/> of <see cref="TrainingLoop"/>: shuffle, pack, step, evaluate, and keep the weights of the best held-out loss
/// (early stopping). With LoRA only the adapter's factors are handed to the optimizer and the base stays frozen; with
/// <see cref="SftOptions.FullParameters"/> every weight of the model trains.
/// </summary>
sealed class SftRun : ITrainingSession, IDisposable
{
    public const string AdapterName = "sft";
    const string Job = "sft";

    readonly LlamaForCausalLM _model;
    readonly string? _adapter;
    readonly IReadOnlyList<TrainingExample> _train;
    readonly List<TokenBatch> _evalBatches;
    readonly SftOptions _options;
    readonly int _padId;
    readonly IProgress<TrainingEvent>? _progress;
    readonly TrainableWeights _weights;
    readonly AdamW _optimizer;
    readonly DataRandom _random;
    readonly List<EpochMetrics> _metrics = [];
    readonly List<double> _lossesSinceEval = [];
    Dictionary<string, Tensor>? _best;
    long _tokens;
    int _sinceImprovement;
    CosineSchedule _schedule = null!; // set when Train starts
    int _stepsPerEpoch;
    int _evalEvery;
    int _epoch;
    List<TokenBatch>? _batches;
    int _first;
    int _inEpoch;
    double _learningRate;

    /// <param name="model">A float32 model, with the adapter <see cref="AdapterName"/> attached unless the options train all parameters.</param>
    /// <param name="train">Training examples (shuffled and packed each epoch).</param>
    /// <param name="evalRows">Held-out examples, one per row.</param>
    /// <param name="options">Validated options.</param>
    /// <param name="padId">Id of padding positions.</param>
    /// <param name="progress">Receives step, evaluation and best-adapter events.</param>
    public SftRun(LlamaForCausalLM model, IReadOnlyList<TrainingExample> train, IReadOnlyList<PackedRow> evalRows, SftOptions options, int padId, IProgress<TrainingEvent>? progress)
    {
        (_model, _train, _options, _padId, _progress) = (model, train, options, padId, progress);
        _adapter = options.FullParameters ? null : AdapterName;
        _evalBatches = SequencePacker.Batches(evalRows, options.BatchRows * 2, padId).ToList();
        var masters = Snapshot();
        if (options.Precision == TrainingPrecision.Bf16) model.to(ScalarType.BFloat16);
        _weights = TrainableWeights.Create(Trainable(), (_, p) => _adapter is not null || p.dim() == 2);
        Restore(_weights.Weights.Select(w => (w.Name, w.Master)), masters);
        foreach (var master in masters.Values) master.Dispose();
        _optimizer = new AdamW(_weights.Weights, new AdamWOptions(Beta2: 0.999, WeightDecay: options.WeightDecay));
        _random = new DataRandom(options.Seed);
        TruncatedExamples = SequencePacker.Pack(train, RowLength).Truncated;
    }

    int RowLength => _options.SequenceLength + 1;
    public long Step { get; private set; }
    public long TotalSteps { get; private set; }
    public long Tokens => _tokens;
    public int TruncatedExamples { get; }
    public IReadOnlyList<EpochMetrics> Metrics => _metrics;
    public double BestEvalLoss { get; private set; } = double.PositiveInfinity;
    public double BestEpoch { get; private set; }
    public long TrainableParameters => _weights.Weights.Sum(w => w.Master.NumberOfElements);

    /// <summary>Runs the epochs; returns why training stopped (schedule, early stopping, time limit, cancelled).</summary>
    public StopReason Train(TrainingClock clock, CancellationToken cancellation)
    {
        var stepRows = _options.BatchRows * _options.AccumulationSteps;
        _stepsPerEpoch = (SequencePacker.Pack(_train, RowLength).Rows.Count + stepRows - 1) / stepRows;
        TotalSteps = (long)_stepsPerEpoch * _options.Epochs;
        _schedule = new CosineSchedule(_options.LearningRate, _options.WarmupSteps, TotalSteps, _options.MinLearningRateRatio);
        _evalEvery = Math.Max(1, _stepsPerEpoch / _options.EvalsPerEpoch);
        _model.train();
        return TrainingLoop.Run(this, clock, DivergenceHandling.Throw, cancellation);
    }

    /// <summary>True while the epoch in progress has batches left; at its end, starts the next epoch (a new shuffle and packing).</summary>
    public bool HasNextStep
    {
        get
        {
            while (_batches is null || _first >= _batches.Count)
            {
                if (_epoch >= _options.Epochs) return false;
                _epoch++;
                var order = _train.ToList();
                _random.Shuffle(order);
                _batches = SequencePacker.Batches(SequencePacker.Pack(order, RowLength).Rows, _options.BatchRows, _padId).ToList();
                (_first, _inEpoch) = (0, 0);
            }
            return true;
        }
    }

    public TrainingStepOutcome TakeStep()
    {
        var micro = _batches!.Skip(_first).Take(_options.AccumulationSteps).ToList();
        _learningRate = _schedule.At(Step);
        var result = TrainingStep.Take(_model, _adapter, micro, _weights, _optimizer, _learningRate, _options.GradientClip, Step + 1);
        (Step, _tokens) = (Step + 1, _tokens + result.Tokens);
        (_first, _inEpoch) = (_first + _options.AccumulationSteps, _inEpoch + 1);
        _lossesSinceEval.Add(result.Loss);
        return new TrainingStepOutcome(result.Tokens, result.Loss);
    }

    public void Stepped(TrainingStepOutcome outcome, TrainingClock clock) => Report(TrainingPhase.Step, _epoch, clock, outcome.Loss, _learningRate);

    bool EndOfEpoch => _first >= _batches!.Count;

    public bool EvaluationDue => EndOfEpoch || _inEpoch % _evalEvery == 0;

    public bool Evaluate(TrainingClock clock) =>
        Evaluate(_epoch - 1 + (EndOfEpoch ? 1 : (double)_inEpoch / _stepsPerEpoch), _epoch, clock);

    /// <summary>SFT keeps the best adapter in memory instead of checkpointing to disk.</summary>
    public bool CheckpointDue => false;

    public void Checkpoint(TrainingClock clock) { }

    /// <summary>Evaluates the steps since the last evaluation, so a cut-short run's last steps can still be the ones kept.</summary>
    public void Interrupted(StopReason reason, TrainingClock clock)
    {
        if (_lossesSinceEval.Count > 0) Evaluate(_epoch - 1 + (double)_inEpoch / _stepsPerEpoch, _epoch, clock);
    }

    /// <summary>Measures the held-out loss, keeps the adapter when it is the best so far; true when early stopping says stop.</summary>
    bool Evaluate(double epochPoint, int epoch, TrainingClock clock)
    {
        var loss = HeldOut();
        var trainLoss = _lossesSinceEval.Count > 0 ? _lossesSinceEval.Average() : double.NaN;
        _lossesSinceEval.Clear();
        _metrics.Add(new EpochMetrics(Math.Round(epochPoint, 3), Step, trainLoss, loss, _tokens, clock.Elapsed.TotalSeconds));
        Report(TrainingPhase.Evaluated, epoch, clock, trainLoss, 0, loss);
        if (loss < BestEvalLoss - _options.MinImprovement || _best is null)
        {
            if (_best is not null) foreach (var tensor in _best.Values) tensor.Dispose();
            _best = _weights.Weights.ToDictionary(w => w.Name, w => w.Master.detach().clone(), StringComparer.Ordinal);
            (BestEvalLoss, BestEpoch, _sinceImprovement) = (Math.Min(loss, BestEvalLoss), Math.Round(epochPoint, 3), 0);
            Report(TrainingPhase.Checkpointed, epoch, clock, trainLoss, 0, loss, $"best adapter so far (eval loss {loss:F4})");
            return false;
        }
        _sinceImprovement++;
        return _options.Patience > 0 && _sinceImprovement >= _options.Patience;
    }

    /// <summary>The held-out loss of the adapter as it is now (eval mode, no gradients).</summary>
    public double HeldOut()
    {
        _model.eval();
        var loss = LanguageModelLoss.Mean(_model, _evalBatches, _adapter).Loss;
        _model.train();
        return loss;
    }

    /// <summary>Returns the model to float32 with the best adapter in it, ready to save and to evaluate.</summary>
    public void KeepBest()
    {
        if (_options.Precision != TrainingPrecision.Fp32) _model.to(ScalarType.Float32);
        if (_best is not null) Restore(Trainable().Select(p => (p.Name, (Tensor)p.Parameter)), _best);
        _model.eval();
    }

    Dictionary<string, Tensor> Snapshot() =>
        Trainable().ToDictionary(p => p.Name, p => p.Parameter.detach().to_type(ScalarType.Float32).clone(), StringComparer.Ordinal);

    /// <summary>What trains: the adapter's factors, or every weight of the model.</summary>
    IEnumerable<(string Name, TorchSharp.Modules.Parameter Parameter)> Trainable() => _adapter is null
        ? _model.named_parameters().Select(p => (p.name, p.parameter))
        : _model.AdapterParameters(_adapter);

    static void Restore(IEnumerable<(string Key, Tensor Into)> targets, Dictionary<string, Tensor> from)
    {
        using var noGrad = no_grad();
        foreach (var (key, into) in targets) into.copy_(from[key]);
    }

    void Report(TrainingPhase phase, int epoch, TrainingClock clock, double? loss, double learningRate, double? evalLoss = null, string? message = null) =>
        _progress?.Report(new TrainingEvent(Job, phase, Step, TotalSteps, epoch, _tokens, clock.TokensPerSecond, loss,
            evalLoss ?? (_metrics.Count > 0 ? _metrics[^1].EvalLoss : null), learningRate, clock.Elapsed, clock.Remaining(TotalSteps - Step), message));

    public void Dispose()
    {
        if (_best is not null) foreach (var tensor in _best.Values) tensor.Dispose();
        _optimizer.Dispose();
        _weights.Dispose();
    }
}
