using DomainAssistant.Alignment.Encoding;
using DomainAssistant.Alignment.Lineage;
using DomainAssistant.Alignment.Optimization;
using DomainAssistant.Alignment.Policy;
using DomainAssistant.Alignment.Preferences;
using DomainAssistant.Storage.Lineage;
using DomainAssistant.Training;
using DomainAssistant.Training.Checkpointing;
using DomainAssistant.Training.Data;
using DomainAssistant.Training.Optimization;
using DomainAssistant.Training.Progress;
using DomainAssistant.Training.Runs;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.Kto;

/// <summary>
/// KTO straight from thumbs: every up vote is a desirable answer, every down vote an undesirable one, no pairs and no
/// reward model needed (<see cref="KtoLoss"/>). Only the policy adapter's LoRA factors train; the reference is the
/// adapter it started from (frozen) or the base. Checkpoints every few steps; resumes exactly after a kill.
/// </summary>
/// <param name="options">The run's settings.</param>
/// <param name="progress">Receives the run's events.</param>
/// <param name="producedBy">The command or job named as the maker in lineage.json.</param>
public sealed class KtoTrainer(KtoOptions options, IProgress<TrainingEvent>? progress = null, string producedBy = "kto trainer")
{
    const string Job = "kto";

    readonly KtoOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    readonly IProgress<TrainingEvent>? _progress = progress;

    /// <param name="start">The base, and the adapter to improve (also the reference; none: a fresh LoRA over the base), loaded
    /// by <see cref="FeedbackInputs.Load"/>. The policy's adapters are attached to its model.</param>
    /// <param name="feedback">The votes to learn from.</param>
    /// <param name="outputFolder">Adapter folder written (PEFT + lineage.json; checkpoint/ while running).</param>
    /// <param name="maxMinutes">Stop (checkpoint, write the adapter) after this long; resume continues.</param>
    /// <param name="cancellation">Stops after the current step, writing the adapter.</param>
    public KtoSummary Run(StartingModel start, FeedbackPreferences feedback, string outputFolder, double? maxMinutes = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(feedback);
        _options.Validate();
        var started = DateTimeOffset.UtcNow;
        var clock = new TrainingClock(maxMinutes is { } m ? TimeSpan.FromMinutes(m) : null);
        var set = feedback.Preferences;
        set.EnsureEnough(_options.Preferences);
        var (upCount, downCount) = (set.Summary.Up, set.Summary.Down);
        var balanced = KtoLoss.BalancedWeights(upCount, downCount);
        var (lambdaD, lambdaU) = (_options.DesirableWeight ?? balanced.Desirable, _options.UndesirableWeight ?? balanced.Undesirable);

        using var policy = new PolicyModel(start, _options.Rank, _options.Seed, _options.MaxLength, new AdamWOptions(Beta2: 0.999, WeightDecay: 0));
        var examples = set.Votes.Select(v => (Sequence: policy.Tokens.Join(v.Prompt, v.Response), v.Prompt, v.IsUp)).ToList();
        var stepsPerEpoch = (examples.Count + _options.BatchRows - 1) / _options.BatchRows;
        var totalSteps = (long)stepsPerEpoch * _options.Epochs;
        var optionsJson = TrainerState.SerializeOptions(_options);
        var resumed = policy.Resume(outputFolder, Job, optionsJson, steps => steps);
        _progress?.Report(new TrainingEvent(Job, TrainingPhase.Started, resumed?.Step ?? 0, totalSteps, (int)((resumed?.Step ?? 0) / stepsPerEpoch) + 1, resumed?.Tokens ?? 0, 0, null, null, 0, clock.Elapsed, null,
            $"{policy.TrainableParameters:N0} adapter parameters, {upCount} desirable and {downCount} undesirable answers (weights {lambdaD:F2} / {lambdaU:F2}), reference: {(policy.Reference is null ? "the base model" : "the starting adapter, frozen")}{(resumed is null ? "" : $", resumed at step {resumed.Step}")}"));

        var run = new Position(resumed?.Step ?? 0, resumed?.Tokens ?? 0, resumed?.Losses.ToList() ?? []);
        var reason = Train(policy, examples, run, (lambdaD, lambdaU), stepsPerEpoch, totalSteps,
            () => Checkpoint(policy, outputFolder, run, totalSteps, optionsJson, clock, resumed), clock, cancellation);
        if (reason is StopReason.KlBound or StopReason.Diverged) PolicyModel.DiscardCheckpoint(outputFolder);
        else Checkpoint(policy, outputFolder, run, totalSteps, optionsJson, clock, resumed);
        policy.Model.eval();
        var (kl, klUnclamped, margin) = Measure(policy, examples);
        policy.Save(outputFolder);
        var summary = new KtoSummary
        {
            Kl = kl, KlUnclamped = klUnclamped, Desirable = upCount, Undesirable = downCount, DesirableWeight = lambdaD, UndesirableWeight = lambdaU, RewardMargin = margin, Steps = run.Step,
            FinalLoss = run.Losses.Count > 0 ? run.Losses[^1] : double.NaN, TokensPerSecond = clock.TokensPerSecond, Seconds = clock.Elapsed.TotalSeconds + (resumed?.Seconds ?? 0),
            StopReason = reason, Resumed = resumed is not null, AdapterSha256 = AdapterSetup.Checksum(outputFolder), Output = Path.GetFullPath(outputFolder),
        };
        WriteLineage(outputFolder, start, feedback, summary, started, clock);
        _progress?.Report(new TrainingEvent(Job, TrainingPhase.Finished, run.Step, totalSteps, _options.Epochs, run.Tokens, clock.TokensPerSecond, summary.FinalLoss, null, 0,
            clock.Elapsed, TimeSpan.Zero, FormattableString.Invariant($"{reason.Name()}; KL {kl:F4} nats, reward margin {margin:F4}")));
        return summary;
    }

    /// <summary>Where a run is: steps and tokens done, and every step's loss (saved in checkpoints).</summary>
    sealed class Position(long step, long tokens, List<double> losses)
    {
        public long Step { get; set; } = step;
        public long Tokens { get; set; } = tokens;
        public List<double> Losses { get; } = losses;
    }

    /// <summary>
    /// The steps from <paramref name="run"/>'s position to the end of the schedule, in <see cref="TrainingLoop"/>:
    /// z₀ of the batch (stop at the bound, back to the last good adapter), then one KTO step. Returns why training stopped.
    /// </summary>
    StopReason Train(PolicyModel policy, List<(ScoredSequence Sequence, string Prompt, bool IsUp)> examples, Position run, (double Desirable, double Undesirable) weights,
        int stepsPerEpoch, long totalSteps, Action checkpoint, TrainingClock clock, CancellationToken cancellation)
    {
        policy.MarkGood();
        policy.Model.train();
        var session = new Steps(this, policy, examples, run, weights, stepsPerEpoch, totalSteps, checkpoint);
        return TrainingLoop.Run(session, clock, DivergenceHandling.Stop, cancellation);
    }

    /// <summary>KTO's steps as a <see cref="ITrainingSession"/>: a diverged step stops the run with the last good adapter.</summary>
    sealed class Steps(KtoTrainer trainer, PolicyModel policy, List<(ScoredSequence Sequence, string Prompt, bool IsUp)> examples, Position run,
        (double Desirable, double Undesirable) weights, int stepsPerEpoch, long totalSteps, Action checkpoint) : ITrainingSession
    {
        readonly KtoOptions _options = trainer._options;
        readonly CosineSchedule _schedule = new(trainer._options.LearningRate, Math.Min(10, totalSteps / 10), totalSteps);
        double _learningRate;
        double _z;

        public bool HasNextStep => run.Step < totalSteps;

        public TrainingStepOutcome TakeStep()
        {
            var batch = trainer.Batch(examples, run.Step, stepsPerEpoch);
            using var scope = NewDisposeScope();
            using var rows = new SequenceBatch([.. batch.Select(b => b.Sequence)], policy.Tokens.PadId);
            var (referenceLogps, z) = ReferenceAndKl(policy, batch, rows);
            if (z > _options.MaxKl)
            {
                policy.RestoreGood();
                return TrainingStepOutcome.Stopped(StopReason.KlBound);
            }
            policy.MarkGood();
            var policyLogps = TokenLogProbs.Sum(policy.Model, PolicyModel.PolicyAdapter, rows);
            var desirable = tensor(batch.Select(b => b.IsUp ? 1f : 0f).ToArray());
            var loss = KtoLoss.Compute(policyLogps, referenceLogps, desirable, z, _options.Beta, weights.Desirable, weights.Undesirable);
            _learningRate = _schedule.At(run.Step);
            var (value, _) = LossStep.Take(loss, policy.Weights, policy.Optimizer, _learningRate, _options.GradientClip, run.Step + 1);
            var tokens = batch.Sum(b => (long)b.Sequence.Length) * 2;
            run.Step++;
            run.Tokens += tokens;
            run.Losses.Add(value);
            _z = z;
            return new TrainingStepOutcome(tokens, value);
        }

        public void Stepped(TrainingStepOutcome outcome, TrainingClock clock) =>
            trainer._progress?.Report(new TrainingEvent(Job, TrainingPhase.Step, run.Step, totalSteps, (int)((run.Step - 1) / stepsPerEpoch) + 1, run.Tokens, clock.TokensPerSecond,
                outcome.Loss, null, _learningRate, clock.Elapsed, clock.Remaining(totalSteps - run.Step), FormattableString.Invariant($"kl {_z:F4}")));

        public bool EvaluationDue => false;

        public bool Evaluate(TrainingClock clock) => false;

        public bool CheckpointDue => run.Step % _options.CheckpointEvery == 0;

        public void Checkpoint(TrainingClock clock) => checkpoint();

        public void Interrupted(StopReason reason, TrainingClock clock) { }
    }

    /// <summary>The examples of a step: epoch e's order is a seeded shuffle of its own, so any step can be rebuilt on resume.</summary>
    List<(ScoredSequence Sequence, string Prompt, bool IsUp)> Batch(List<(ScoredSequence Sequence, string Prompt, bool IsUp)> examples, long step, int stepsPerEpoch)
    {
        var epoch = step / stepsPerEpoch;
        var order = Enumerable.Range(0, examples.Count).ToList();
        new DataRandom(_options.Seed ^ (0x4B70UL + (ulong)epoch)).Shuffle(order);
        return [.. order.Skip((int)(step % stepsPerEpoch) * _options.BatchRows).Take(_options.BatchRows).Select(i => examples[i])];
    }

    /// <summary>log πref of the batch's answers, and z₀ from the mismatched pairs, without gradients.</summary>
    static (Tensor Reference, double Z) ReferenceAndKl(PolicyModel policy, List<(ScoredSequence Sequence, string Prompt, bool IsUp)> batch, SequenceBatch rows)
    {
        using var noGrad = no_grad();
        var reference = TokenLogProbs.Sum(policy.Model, policy.Reference, rows);
        var (current, frozen) = MismatchedLogProbs(policy, batch);
        return (reference, KtoLoss.ReferencePoint(current, frozen));
    }

    /// <summary>
    /// log πθ and log πref of mismatched pairs, prompt i with the answer of example i + 1 (as the paper and TRL build
    /// them): answers the policy was not trained towards for that prompt, so their log-ratio estimates the KL.
    /// </summary>
    static (double[] Policy, double[] Reference) MismatchedLogProbs(PolicyModel policy, List<(ScoredSequence Sequence, string Prompt, bool IsUp)> batch)
    {
        using var noGrad = no_grad();
        var tokens = policy.Tokens;
        var answers = batch.Select(b => b.Sequence.Ids[b.Sequence.PromptLength..]).ToList();
        using var mismatched = new SequenceBatch([.. batch.Select((b, i) => tokens.Join(tokens.Prompt(b.Prompt), answers[(i + 1) % batch.Count]))], tokens.PadId);
        using var current = TokenLogProbs.Sum(policy.Model, PolicyModel.PolicyAdapter, mismatched);
        using var frozen = TokenLogProbs.Sum(policy.Model, policy.Reference, mismatched);
        return (Values(current), Values(frozen));
    }

    /// <summary>z₀ over all training examples (clamped and not) and the mean implied reward of up answers minus down answers.</summary>
    (double Kl, double KlUnclamped, double Margin) Measure(PolicyModel policy, List<(ScoredSequence Sequence, string Prompt, bool IsUp)> examples)
    {
        var (current, frozen, rewards) = (new List<double>(), new List<double>(), new List<double>());
        using var noGrad = no_grad();
        foreach (var chunk in examples.Chunk(_options.BatchRows))
        {
            using var scope = NewDisposeScope();
            var batch = chunk.ToList();
            using var rows = new SequenceBatch([.. batch.Select(b => b.Sequence)], policy.Tokens.PadId);
            var logps = TokenLogProbs.Sum(policy.Model, PolicyModel.PolicyAdapter, rows);
            var reference = TokenLogProbs.Sum(policy.Model, policy.Reference, rows);
            rewards.AddRange(Values(logps.sub(reference)));
            if (batch.Count < 2) continue; // one example has no other answer to mismatch with
            var (p, r) = MismatchedLogProbs(policy, batch);
            current.AddRange(p);
            frozen.AddRange(r);
        }
        var up = rewards.Where((_, i) => examples[i].IsUp).DefaultIfEmpty(0).Average();
        var down = rewards.Where((_, i) => !examples[i].IsUp).DefaultIfEmpty(0).Average();
        var unclamped = current.Count == 0 ? 0 : current.Zip(frozen, (p, r) => p - r).Average();
        return (KtoLoss.ReferencePoint(current, frozen), unclamped, up - down);
    }

    static double[] Values(Tensor t) => [.. t.data<float>().ToArray().Select(v => (double)v)];

    static void Checkpoint(PolicyModel policy, string outputFolder, Position run, long totalSteps, System.Text.Json.JsonElement options, TrainingClock clock, TrainerState? resumed)
    {
        Directory.CreateDirectory(outputFolder);
        policy.Checkpoint(outputFolder, new TrainerState
        {
            Job = Job, Step = run.Step, TotalSteps = totalSteps, Tokens = run.Tokens, DataRandomState = 0, Options = options, Losses = [.. run.Losses],
            Seconds = clock.Elapsed.TotalSeconds + (resumed?.Seconds ?? 0),
        });
    }

    void WriteLineage(string outputFolder, StartingModel start, FeedbackPreferences feedback, KtoSummary summary, DateTimeOffset started, TrainingClock clock) =>
        new AlignmentLineage
        {
            Method = "lora-kto", BaseModel = start.BaseModel, ReferenceAdapter = start.Adapter, Feedback = feedback.Lineage,
            Hyperparameters = _options, Metrics = summary, StopReason = summary.StopReason, StartedAt = started, FinishedAt = DateTimeOffset.UtcNow,
            DurationSeconds = clock.Elapsed.TotalSeconds,
        }.ToRecord(ArtifactKind.Adapter, summary.AdapterSha256, outputFolder, producedBy).Write(outputFolder);
}
