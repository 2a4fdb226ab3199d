using DomainAssistant.Alignment.Encoding;
using DomainAssistant.Alignment.Lineage;
using DomainAssistant.Alignment.Optimization;
using DomainAssistant.Alignment.Policy;
using DomainAssistant.Alignment.Preferences;
using DomainAssistant.Storage.Lineage;
using DomainAssistant.Training;
using DomainAssistant.Training.Data;
using DomainAssistant.Training.Optimization;
using DomainAssistant.Training.Progress;
using DomainAssistant.Training.Runs;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.RewardModeling;

/// <summary>
/// Trains a reward model from thumbs: the base model (optionally starting from a served adapter's weights) with a
/// LoRA adapter and a scalar head, pointwise binary cross-entropy on every vote plus Bradley-Terry on up/down pairs of
/// the same prompt; held out by prompt; reports accuracy, AUC and calibration on the held-out votes.
/// </summary>
/// <param name="options">The run's settings.</param>
/// <param name="progress">Receives the run's events.</param>
/// <param name="producedBy">The command or job named as the maker in lineage.json.</param>
public sealed class RewardModelTrainer(RewardModelOptions options, IProgress<TrainingEvent>? progress = null, string producedBy = "reward model trainer")
{
    readonly IProgress<TrainingEvent>? _progress = progress;
    public const string AdapterName = "reward";
    const string Job = "rm";

    readonly RewardModelOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <param name="start">The base, and the adapter whose weights the reward adapter starts from (none: a fresh LoRA);
    /// loaded by <see cref="FeedbackInputs.Load"/>. The reward adapter is attached to its model.</param>
    /// <param name="feedback">The votes to learn from.</param>
    /// <param name="heldOutFeedback">Votes to evaluate on instead of a prompt split of <paramref name="feedback"/>; null: split.</param>
    /// <param name="outputFolder">Reward model folder (created).</param>
    /// <param name="cancellation">Stops after the current step; the model so far is evaluated and written.</param>
    public RewardModelSummary Run(StartingModel start, FeedbackPreferences feedback, FeedbackPreferences? heldOutFeedback, string outputFolder, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(feedback);
        _options.Validate();
        var started = DateTimeOffset.UtcNow;
        var clock = new TrainingClock(null);
        var all = feedback.Preferences;
        all.EnsureEnough(_options.Preferences);
        var (train, heldOut) = heldOutFeedback is null ? PromptSplit.Split(all, _options.HeldOutShare, _options.Seed) : (all, heldOutFeedback.Preferences);
        if (heldOut.Votes.Count == 0) throw new InvalidDataException($"the held-out feedback {heldOutFeedback?.Path} has no usable vote.");

        var model = start.Pretrained.Model;
        var tokens = new AlignmentTokens(start.Pretrained.Tokenizer, Math.Min(_options.MaxLength, model.Config.MaxPositionEmbeddings));
        start.Attach(AdapterName, _options.Rank, _options.Seed);
        using var reward = new RewardModel(model, AdapterName, new RewardHead(model.Config.HiddenSize, unchecked((long)_options.Seed)));
        var votes = train.Votes.Select(v => (Sequence: tokens.Join(v.Prompt, v.Response), v.IsUp)).ToList();
        var pairs = train.Pairs.Select(p => (Chosen: tokens.Join(p.Prompt, p.Chosen), Rejected: tokens.Join(p.Prompt, p.Rejected))).ToList();
        var before = Evaluate(reward, tokens, heldOut);

        using var weights = TrainableWeights.Create(model.AdapterParameters(AdapterName).Concat(reward.Head.Tensors()), (_, _) => false);
        using var optimizer = new AdamW(weights.Weights, new AdamWOptions(Beta2: 0.999, WeightDecay: 0));
        var stepsPerEpoch = (votes.Count + _options.BatchRows - 1) / _options.BatchRows;
        var totalSteps = (long)stepsPerEpoch * _options.Epochs;
        _progress?.Report(new TrainingEvent(Job, TrainingPhase.Started, 0, totalSteps, 1, 0, 0, null, null, 0, clock.Elapsed, null,
            $"{weights.Weights.Sum(w => w.Master.NumberOfElements):N0} trainable parameters, {votes.Count} training votes and {pairs.Count} pairs, {heldOut.Votes.Count} held-out votes; held-out accuracy before {before.Accuracy:P1}"));

        var (step, lastLoss, reason) = Train(reward, tokens.PadId, votes, pairs, weights, optimizer, totalSteps, clock, cancellation);
        model.eval();
        reward.Head.eval();
        var after = Evaluate(reward, tokens, heldOut);
        Directory.CreateDirectory(outputFolder);
        var checksum = RewardModelFolder.Save(outputFolder, reward, start.BaseModel.Sha256, tokens.MaxLength);
        var summary = new RewardModelSummary
        {
            HeldoutAccuracy = after.Accuracy, HeldoutAuc = after.Auc, Ece = after.Ece, HeldoutPairAccuracy = after.PairAccuracy, HeldoutAccuracyBefore = before.Accuracy,
            TrainExamples = votes.Count, TrainPairs = pairs.Count, HeldoutExamples = after.Examples, Steps = step, FinalLoss = lastLoss,
            Seconds = clock.Elapsed.TotalSeconds, Checksum = checksum, StopReason = reason, Output = Path.GetFullPath(outputFolder),
        };
        WriteLineage(outputFolder, start, feedback, summary, started, clock);
        _progress?.Report(new TrainingEvent(Job, TrainingPhase.Finished, step, totalSteps, _options.Epochs, clock.Tokens, clock.TokensPerSecond, lastLoss, null, 0,
            clock.Elapsed, TimeSpan.Zero, FormattableString.Invariant($"held-out accuracy {after.Accuracy:P1}, AUC {after.Auc:F3}, ECE {after.Ece:F3}")));
        return summary;
    }

    /// <summary>The epochs in <see cref="TrainingLoop"/>: each step scores a batch of votes and a batch of pairs and takes one AdamW step on both losses.</summary>
    /// <returns>Steps taken, the last loss, and why training stopped (schedule or cancelled).</returns>
    (long Steps, double LastLoss, StopReason Reason) Train(RewardModel reward, int padId, List<(ScoredSequence Sequence, bool IsUp)> votes,
        List<(ScoredSequence Chosen, ScoredSequence Rejected)> pairs, TrainableWeights weights, AdamW optimizer, long totalSteps, TrainingClock clock, CancellationToken cancellation)
    {
        reward.Model.train();
        var steps = new Steps(this, reward, padId, votes, pairs, weights, optimizer, totalSteps);
        var reason = TrainingLoop.Run(steps, clock, DivergenceHandling.Throw, cancellation);
        return (steps.Step, steps.LastLoss, reason);
    }

    /// <summary>The reward model's steps as a <see cref="ITrainingSession"/>: votes and pairs shuffled each epoch, no evaluation or checkpoint until the end.</summary>
    sealed class Steps(RewardModelTrainer trainer, RewardModel reward, int padId, List<(ScoredSequence Sequence, bool IsUp)> votes,
        List<(ScoredSequence Chosen, ScoredSequence Rejected)> pairs, TrainableWeights weights, AdamW optimizer, long totalSteps) : ITrainingSession
    {
        readonly RewardModelOptions _options = trainer._options;
        readonly CosineSchedule _schedule = new(trainer._options.LearningRate, Math.Min(10, totalSteps / 10), totalSteps);
        readonly DataRandom _random = new(trainer._options.Seed);
        int _epoch;
        int _first = votes.Count; // past the end: the first call starts epoch 1
        double _learningRate;

        public long Step { get; private set; }
        public double LastLoss { get; private set; } = double.NaN;

        public bool HasNextStep
        {
            get
            {
                while (_first >= votes.Count)
                {
                    if (_epoch >= _options.Epochs) return false;
                    _epoch++;
                    _random.Shuffle(votes);
                    _random.Shuffle(pairs);
                    _first = 0;
                }
                return true;
            }
        }

        public TrainingStepOutcome TakeStep()
        {
            var batch = votes.Skip(_first).Take(_options.BatchRows).ToList();
            var pairBatch = pairs.Count == 0 ? [] : Enumerable.Range(0, _options.BatchRows).Select(i => pairs[(int)((Step * _options.BatchRows + i) % pairs.Count)]).Distinct().ToList();
            using var scope = NewDisposeScope();
            var loss = trainer.Loss(reward, padId, batch, pairBatch);
            _learningRate = _schedule.At(Step);
            (LastLoss, _) = LossStep.Take(loss, weights, optimizer, _learningRate, _options.GradientClip, Step + 1);
            Step++;
            _first += _options.BatchRows;
            return new TrainingStepOutcome(batch.Sum(b => (long)b.Sequence.Length) + pairBatch.Sum(p => (long)p.Chosen.Length + p.Rejected.Length), LastLoss);
        }

        public void Stepped(TrainingStepOutcome outcome, TrainingClock clock) =>
            trainer._progress?.Report(new TrainingEvent(Job, TrainingPhase.Step, Step, totalSteps, _epoch, clock.Tokens, clock.TokensPerSecond, outcome.Loss, null,
                _learningRate, clock.Elapsed, clock.Remaining(totalSteps - Step)));

        public bool EvaluationDue => false;

        public bool Evaluate(TrainingClock clock) => false;

        public bool CheckpointDue => false;

        public void Checkpoint(TrainingClock clock) { }

        public void Interrupted(StopReason reason, TrainingClock clock) { }
    }

    void WriteLineage(string outputFolder, StartingModel start, FeedbackPreferences feedback, RewardModelSummary summary, DateTimeOffset started, TrainingClock clock) =>
        new AlignmentLineage
        {
            Method = "reward-model", BaseModel = start.BaseModel, ReferenceAdapter = start.Adapter, Feedback = feedback.Lineage,
            Hyperparameters = _options, Metrics = summary, StopReason = summary.StopReason, StartedAt = started, FinishedAt = DateTimeOffset.UtcNow,
            DurationSeconds = clock.Elapsed.TotalSeconds,
        }.ToRecord(ArtifactKind.RewardModel, summary.Checksum, outputFolder, producedBy).Write(outputFolder);

    /// <summary>Pointwise BCE over the votes plus the weighted Bradley-Terry loss over the pairs (scores in one forward each).</summary>
    Tensor Loss(RewardModel reward, int padId, List<(ScoredSequence Sequence, bool IsUp)> votes, List<(ScoredSequence Chosen, ScoredSequence Rejected)> pairs)
    {
        using var voteBatch = new SequenceBatch([.. votes.Select(v => v.Sequence)], padId);
        var scores = reward.Scores(voteBatch);                                                  // [B]
        var labels = tensor(votes.Select(v => v.IsUp ? 1f : 0f).ToArray());                   // [B]
        var pointwise = RewardLosses.Pointwise(scores, labels);
        if (pairs.Count == 0) return pointwise;
        using var pairBatch = new SequenceBatch([.. pairs.Select(p => p.Chosen), .. pairs.Select(p => p.Rejected)], padId);
        var pairScores = reward.Scores(pairBatch);                                              // [2P]: chosen, then rejected
        var bradleyTerry = RewardLosses.BradleyTerry(pairScores.narrow(0, 0, pairs.Count), pairScores.narrow(0, pairs.Count, pairs.Count));
        return RewardLosses.Combined(pointwise, bradleyTerry, _options.PairWeight);
    }

    static RewardMetrics Evaluate(RewardModel reward, AlignmentTokens tokens, PreferenceSet heldOut)
    {
        reward.Model.eval();
        var scores = reward.Score([.. heldOut.Votes.Select(v => tokens.Join(v.Prompt, v.Response))], tokens.PadId);
        var chosen = reward.Score([.. heldOut.Pairs.Select(p => tokens.Join(p.Prompt, p.Chosen))], tokens.PadId);
        var rejected = reward.Score([.. heldOut.Pairs.Select(p => tokens.Join(p.Prompt, p.Rejected))], tokens.PadId);
        return RewardMetrics.Of(scores, [.. heldOut.Votes.Select(v => v.IsUp)], [.. chosen.Zip(rejected, (c, r) => c - r)]);
    }
}
