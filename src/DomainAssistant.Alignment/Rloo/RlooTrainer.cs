using System.Diagnostics;
using DomainAssistant.Alignment.Encoding;
using DomainAssistant.Alignment.Lineage;
using DomainAssistant.Alignment.Optimization;
using DomainAssistant.Alignment.Policy;
using DomainAssistant.Alignment.RewardModeling;
using DomainAssistant.Model.Generation;
using DomainAssistant.Storage.Lineage;
using DomainAssistant.Training;
using DomainAssistant.Training.Checkpointing;
using DomainAssistant.Training.Data;
using DomainAssistant.Training.Optimization;
using DomainAssistant.Training.Progress;
using DomainAssistant.Training.Runs;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.Rloo;

/// <summary>
/// RLOO (Ahmadian et al. 2024): each iteration samples k answers per prompt from the current policy with the batched
/// engine, rewards each with the reward model plus the citation rule minus β times its KL to the reference, baselines
/// each by the other k − 1 (<see cref="RlooAdvantages"/>), and takes a few inner epochs of PPO-clipped steps
/// (<see cref="ClippedObjective"/>). Only the policy adapter's LoRA factors change.
/// </summary>
/// <param name="options">The run's settings.</param>
/// <param name="progress">Receives the run's events.</param>
/// <param name="producedBy">The command or job named as the maker in lineage.json.</param>
public sealed class RlooTrainer(RlooOptions options, IProgress<TrainingEvent>? progress = null, string producedBy = "rloo trainer")
{
    readonly IProgress<TrainingEvent>? _progress = progress;
    const string Job = "rloo";
    const string RewardAdapter = "reward";

    readonly RlooOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Where time went and what was generated, over this process.</summary>
    sealed class Timing
    {
        public double GenerationSeconds;
        public double OptimisationSeconds;
        public long GeneratedTokens;
    }

    /// <param name="start">The base (the one the reward model was trained over), and the adapter to improve, also the frozen
    /// reference (none: a fresh LoRA, the base the reference); loaded by <see cref="RlooInputs.Load"/>. The policy's and the
    /// reward model's adapters are attached to its model.</param>
    /// <param name="rewardModel">The reward model that scores samples.</param>
    /// <param name="prompts">The prompts to sample answers for.</param>
    /// <param name="outputFolder">Adapter folder (PEFT + lineage.json; checkpoint/ while running).</param>
    /// <param name="maxMinutes">Stop after the iteration that passes this; the adapter is written and a rerun resumes.</param>
    /// <param name="cancellation">Stops after the current iteration.</param>
    public RlooSummary Run(StartingModel start, StoredRewardModel rewardModel, PromptSet prompts, string outputFolder,
        double? maxMinutes = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(rewardModel);
        ArgumentNullException.ThrowIfNull(prompts);
        _options.Validate();
        var started = DateTimeOffset.UtcNow;
        var clock = new TrainingClock(maxMinutes is { } m ? TimeSpan.FromMinutes(m) : null);
        var (train, heldOut) = Split(prompts.Prompts);
        var baseSha = start.BaseModel.Sha256;
        if (rewardModel.Config.BaseModelSha256 != baseSha)
            throw new InvalidDataException($"the reward model in '{rewardModel.Folder}' was trained over base {rewardModel.Config.BaseModelSha256[..12]}, not this model ({baseSha[..12]}).");

        using var policy = new PolicyModel(start, _options.Rank, _options.Seed, _options.MaxLength, new AdamWOptions(Beta2: 0.999, WeightDecay: 0));
        using var reward = policy.AttachFrozen(model => rewardModel.AttachTo(model, RewardAdapter));
        var trainIds = train.Select(p => PromptIds(policy.Tokens, p)).ToList();
        var heldIds = heldOut.Select(p => PromptIds(policy.Tokens, p)).ToList();
        var iterations = _options.Iterations > 0 ? _options.Iterations : (train.Count + _options.PromptsPerIteration - 1) / _options.PromptsPerIteration;
        var stepsPerIteration = (long)_options.InnerEpochs * ((Math.Min(_options.PromptsPerIteration, train.Count) * _options.SamplesPerPrompt + _options.MiniBatch - 1) / _options.MiniBatch);
        var optionsJson = TrainerState.SerializeOptions(_options);
        var resumed = policy.Resume(outputFolder, Job, optionsJson, done => done * stepsPerIteration);
        var (iteration, losses, history) = (resumed?.Step ?? 0, resumed?.Losses.ToList() ?? [], resumed?.EvalLosses.ToList() ?? []);
        var timing = new Timing();
        var stops = policy.Tokens.StopTokens(policy.Pretrained.StopTokens);

        var (rewardBefore, _) = Evaluate(policy, reward, policy.Reference, heldIds, stops, timing);
        _progress?.Report(new TrainingEvent(Job, TrainingPhase.Started, iteration, iterations, 1, 0, 0, null, null, 0, clock.Elapsed, null,
            FormattableString.Invariant($"{policy.TrainableParameters:N0} adapter parameters, {train.Count} training and {heldOut.Count} held-out prompts, {_options.SamplesPerPrompt} samples each, reference: {(policy.Reference is null ? "the base model" : "the starting adapter, frozen")}; held-out reward before {rewardBefore:F4}{(resumed is null ? "" : $", resumed at iteration {iteration}")}")));

        var run = new Iterations(this, policy, reward, train, trainIds, iterations, stops, timing, outputFolder, optionsJson, resumed)
        {
            Iteration = iteration, Losses = losses, History = history,
        };
        policy.MarkGood();
        var reason = TrainingLoop.Run(run, clock, DivergenceHandling.Stop, cancellation);
        (iteration, losses, history) = (run.Iteration, run.Losses, run.History);
        var lastReward = run.LastReward;
        if (reason is StopReason.KlBound or StopReason.Diverged) PolicyModel.DiscardCheckpoint(outputFolder);
        var (rewardAfter, klAfter) = Evaluate(policy, reward, PolicyModel.PolicyAdapter, heldIds, stops, timing);
        policy.Save(outputFolder);
        var summary = new RlooSummary
        {
            RewardBefore = rewardBefore, RewardAfter = rewardAfter, Kl = klAfter, Prompts = train.Count, HeldoutPrompts = heldOut.Count,
            SamplesPerPrompt = _options.SamplesPerPrompt, TokensPerSecond = timing.GeneratedTokens / Math.Max(1e-9, timing.GenerationSeconds),
            GenerationSeconds = timing.GenerationSeconds, OptimisationSeconds = timing.OptimisationSeconds, Iterations = iteration,
            OptimizerSteps = policy.Optimizer.StepCount, LastTrainReward = lastReward, StopReason = reason, Resumed = resumed is not null,
            AdapterSha256 = AdapterSetup.Checksum(outputFolder), Output = Path.GetFullPath(outputFolder),
        };
        WriteLineage(outputFolder, start, rewardModel, prompts, summary, history, started, clock);
        _progress?.Report(new TrainingEvent(Job, TrainingPhase.Finished, iteration, iterations, 1, clock.Tokens, summary.TokensPerSecond, losses.Count > 0 ? losses[^1] : null, null, 0,
            clock.Elapsed, TimeSpan.Zero, FormattableString.Invariant($"{reason.Name()}; held-out reward {rewardBefore:F4} -> {rewardAfter:F4}, KL {klAfter:F4} nats")));
        return summary;
    }

    /// <summary>
    /// RLOO's iterations as a <see cref="ITrainingSession"/>: sample, score, stop at the KL bound (back to the last good
    /// adapter), optimise; a checkpoint after every iteration. Only the optimisation counts as the step's time.
    /// </summary>
    sealed class Iterations(RlooTrainer trainer, PolicyModel policy, RewardModel reward, List<RlPrompt> train, List<int[]> trainIds, long iterations,
        IReadOnlySet<int> stops, Timing timing, string outputFolder, System.Text.Json.JsonElement options, TrainerState? resumed) : ITrainingSession
    {
        readonly RlooOptions _options = trainer._options;
        ScoredAnswers? _scored;

        public required long Iteration { get; set; }
        public required List<double> Losses { get; set; }
        public required List<double[]> History { get; init; }
        public double LastReward { get; private set; } = double.NaN;

        public bool HasNextStep => Iteration < iterations;

        public TrainingStepOutcome TakeStep()
        {
            var chosen = trainer.Batch(train.Count, Iteration);
            var samples = trainer.Sample(policy, PolicyModel.PolicyAdapter, [.. chosen.Select(i => trainIds[i])], _options.SamplesPerPrompt, stops, _options.Seed ^ ((ulong)Iteration << 20), timing);
            var watch = Stopwatch.StartNew();
            var scored = trainer.Score(policy, reward, samples, [.. chosen.Select(i => train[i].Chunks)]);
            if (scored.Kl.Average() > _options.MaxKl)
            {
                policy.RestoreGood();
                return TrainingStepOutcome.Stopped(StopReason.KlBound);
            }
            policy.MarkGood();
            var advantages = RlooAdvantages.Compute([.. scored.Totals.Chunk(_options.SamplesPerPrompt).Select(g => (IReadOnlyList<double>)g)]).SelectMany(a => a).ToArray();
            var (loss, diverged) = trainer.Optimise(policy, scored.Answers, scored.OldLogProbs, advantages, Iteration);
            timing.OptimisationSeconds += watch.Elapsed.TotalSeconds;
            if (diverged) return TrainingStepOutcome.Stopped(StopReason.Diverged); // the failed step was not applied: the adapter is the last good one
            Iteration++;
            (LastReward, Losses) = (scored.Totals.Average(), [.. Losses, loss]);
            History.Add([Iteration, scored.Scores.Average(), scored.Rules.Average(), scored.Kl.Average()]);
            _scored = scored;
            return new TrainingStepOutcome(scored.Answers.Sum(a => (long)a.Sequence.Length) * _options.InnerEpochs, loss, Duration: watch.Elapsed);
        }

        public void Stepped(TrainingStepOutcome outcome, TrainingClock clock) =>
            trainer._progress?.Report(new TrainingEvent(Job, TrainingPhase.Step, Iteration, iterations, 1, clock.Tokens, timing.GeneratedTokens / Math.Max(1e-9, timing.GenerationSeconds),
                outcome.Loss, null, _options.LearningRate, clock.Elapsed, clock.Remaining(iterations - Iteration),
                FormattableString.Invariant($"reward {_scored!.Scores.Average():F4}, rule {_scored.Rules.Average():F3}, kl {_scored.Kl.Average():F4}")));

        public bool EvaluationDue => false;

        public bool Evaluate(TrainingClock clock) => false;

        public bool CheckpointDue => true;

        public void Checkpoint(TrainingClock clock) => RlooTrainer.Checkpoint(policy, outputFolder, Iteration, iterations, options, Losses, History, clock, resumed);

        public void Interrupted(StopReason reason, TrainingClock clock) { }
    }

    /// <summary>One iteration's answers and what each earned: reward-model score, rule term, KL to the reference, total.</summary>
    sealed record ScoredAnswers(List<SampledAnswer> Answers, double[] Scores, double[] Rules, double[] Kl, double[] OldLogProbs, double[] Totals);

    /// <summary>Scores answers grouped by prompt; <paramref name="chunks"/> gives each prompt's chunk count for the citation rule.</summary>
    ScoredAnswers Score(PolicyModel policy, RewardModel reward, IReadOnlyList<IReadOnlyList<SampledAnswer>> samples, IReadOnlyList<int> chunks)
    {
        var answers = samples.SelectMany(g => g).ToList();
        var (scores, oldLogProbs, kl) = Measure(policy, reward, answers);
        var rule = new CitationRule(_options.CitationPenalty);
        double[] rules = [.. samples.SelectMany((group, i) => group.Select(a => rule.Score(a.Text, chunks[i])))];
        double[] totals = [.. answers.Select((_, i) => scores[i] + rules[i] - _options.KlCoefficient * kl[i])];
        return new ScoredAnswers(answers, scores, rules, kl, oldLogProbs, totals);
    }

    void WriteLineage(string outputFolder, StartingModel start, StoredRewardModel rewardModel, PromptSet prompts, RlooSummary summary, List<double[]> history,
        DateTimeOffset started, TrainingClock clock) =>
        new AlignmentLineage
        {
            Method = "lora-rloo", BaseModel = start.BaseModel, ReferenceAdapter = start.Adapter, RewardModel = rewardModel.Lineage, Prompts = prompts.Lineage,
            Hyperparameters = _options, Metrics = new { summary, per_iteration = history }, StopReason = summary.StopReason, StartedAt = started,
            FinishedAt = DateTimeOffset.UtcNow, DurationSeconds = clock.Elapsed.TotalSeconds,
        }.ToRecord(ArtifactKind.Adapter, summary.AdapterSha256, outputFolder, producedBy).Write(outputFolder);

    /// <summary>A seeded share of the prompts (at least one) is held out for the before/after measurement.</summary>
    (List<RlPrompt> Train, List<RlPrompt> HeldOut) Split(IReadOnlyList<RlPrompt> prompts)
    {
        if (prompts.Count < 2) throw new InvalidDataException($"RLOO needs at least 2 prompts (one is held out), got {prompts.Count}.");
        var order = Enumerable.Range(0, prompts.Count).ToList();
        new DataRandom(_options.Seed ^ 0x5EEDUL).Shuffle(order);
        var held = Math.Clamp((int)Math.Round(prompts.Count * _options.HeldOutShare), 1, prompts.Count - 1);
        return ([.. order.Skip(held).Order().Select(i => prompts[i])], [.. order.Take(held).Order().Select(i => prompts[i])]);
    }

    static int[] PromptIds(AlignmentTokens tokens, RlPrompt prompt) => prompt.Messages is { } messages ? tokens.Prompt(messages) : tokens.Prompt(prompt.Text!);

    /// <summary>The training prompts of an iteration: a seeded order per pass, so any iteration can be rebuilt on resume.</summary>
    List<int> Batch(int count, long iteration)
    {
        var perPass = (count + _options.PromptsPerIteration - 1) / _options.PromptsPerIteration;
        var order = Enumerable.Range(0, count).ToList();
        new DataRandom(_options.Seed ^ (0x1200UL + (ulong)(iteration / perPass))).Shuffle(order);
        return [.. order.Skip((int)(iteration % perPass) * _options.PromptsPerIteration).Take(_options.PromptsPerIteration)];
    }

    IReadOnlyList<IReadOnlyList<SampledAnswer>> Sample(PolicyModel policy, string? adapter, IReadOnlyList<int[]> prompts, int samples, IReadOnlySet<int> stops, ulong seed, Timing timing)
    {
        var watch = Stopwatch.StartNew();
        var sampling = new SamplingOptions { Temperature = _options.Temperature, MaxTokens = _options.MaxNewTokens };
        var answers = AnswerSampler.SampleAsync(policy.Model, adapter, policy.Tokens, prompts, samples, sampling, stops, seed, _options.DecodeBatch).GetAwaiter().GetResult();
        timing.GenerationSeconds += watch.Elapsed.TotalSeconds;
        timing.GeneratedTokens += answers.Sum(g => g.Sum(a => (long)a.GeneratedTokens));
        return answers;
    }

    /// <summary>Reward-model scores, the sampling policy's log-probabilities and each answer's KL to the reference, without gradients.</summary>
    (double[] Scores, double[] OldLogProbs, double[] Kl) Measure(PolicyModel policy, RewardModel reward, List<SampledAnswer> answers)
    {
        policy.Model.eval();
        var scores = reward.Score([.. answers.Select(a => a.Sequence)], policy.Tokens.PadId, _options.MiniBatch);
        var (old, kl) = (new List<double>(), new List<double>());
        using var noGrad = no_grad();
        foreach (var chunk in answers.Chunk(_options.MiniBatch))
        {
            using var scope = NewDisposeScope();
            using var rows = new SequenceBatch([.. chunk.Select(a => a.Sequence)], policy.Tokens.PadId);
            var current = TokenLogProbs.PerToken(policy.Model, PolicyModel.PolicyAdapter, rows); // [B, T − 1]
            var frozen = TokenLogProbs.PerToken(policy.Model, policy.Reference, rows);           // [B, T − 1]
            old.AddRange(current.sum(1).data<float>().ToArray().Select(v => (double)v));
            kl.AddRange(ClippedObjective.SequenceKl(current, frozen).data<float>().ToArray().Select(v => (double)v));
        }
        return (scores, [.. old], [.. kl]);
    }

    /// <summary>Inner epochs of clipped steps over the iteration's answers; returns the mean loss and whether a step diverged.</summary>
    (double Loss, bool Diverged) Optimise(PolicyModel policy, List<SampledAnswer> answers, double[] oldLogProbs, double[] advantages, long iteration)
    {
        policy.Model.train();
        var losses = new List<double>();
        for (var epoch = 0; epoch < _options.InnerEpochs; epoch++)
        {
            var order = Enumerable.Range(0, answers.Count).ToList();
            new DataRandom(_options.Seed ^ ((ulong)iteration << 8) ^ (ulong)epoch).Shuffle(order);
            foreach (var chunk in order.Chunk(_options.MiniBatch))
            {
                using var scope = NewDisposeScope();
                using var rows = new SequenceBatch([.. chunk.Select(i => answers[i].Sequence)], policy.Tokens.PadId);
                var logps = TokenLogProbs.Sum(policy.Model, PolicyModel.PolicyAdapter, rows);                   // [B]
                var old = tensor(chunk.Select(i => (float)oldLogProbs[i]).ToArray());                         // [B]
                var advantage = tensor(chunk.Select(i => (float)advantages[i]).ToArray());                    // [B]
                var (loss, _) = ClippedObjective.Compute(logps, old, advantage, _options.ClipRange);
                var step = policy.Optimizer.StepCount;
                var learningRate = _options.LearningRate * Math.Min(1.0, (step + 1) / 10.0); // short warmup, then constant
                try
                {
                    losses.Add(LossStep.Take(loss, policy.Weights, policy.Optimizer, learningRate, _options.GradientClip, step + 1).Loss);
                }
                catch (TrainingDivergedException)
                {
                    return (double.NaN, true);
                }
            }
        }
        return (losses.Average(), false);
    }

    /// <summary>Mean reward-model score of answers sampled under <paramref name="adapter"/> on the held-out prompts, and their mean KL to the reference.</summary>
    (double Reward, double Kl) Evaluate(PolicyModel policy, RewardModel reward, string? adapter, List<int[]> heldIds, IReadOnlySet<int> stops, Timing timing)
    {
        var samples = Sample(policy, adapter, heldIds, _options.EvalSamples, stops, _options.Seed ^ 0xE7A1UL, timing);
        var flat = samples.SelectMany(g => g).ToList();
        var (scores, _, kl) = Measure(policy, reward, flat);
        return (scores.Average(), adapter == policy.Reference ? 0 : kl.Average());
    }

    static void Checkpoint(PolicyModel policy, string outputFolder, long iteration, long iterations, System.Text.Json.JsonElement options, List<double> losses,
        List<double[]> history, TrainingClock clock, TrainerState? resumed)
    {
        Directory.CreateDirectory(outputFolder);
        policy.Checkpoint(outputFolder, new TrainerState
        {
            Job = Job, Step = iteration, TotalSteps = iterations, Tokens = clock.Tokens + (resumed?.Tokens ?? 0), DataRandomState = 0, Options = options,
            Losses = [.. losses], EvalLosses = [.. history], Seconds = clock.Elapsed.TotalSeconds + (resumed?.Seconds ?? 0),
        });
    }
}
