namespace DomainAssistant.Alignment.Rloo;

/// <summary>Settings of an RLOO run (<see cref="RlooTrainer"/>), recorded in its lineage. Defaults follow TRL's RLOOConfig where it has one.</summary>
public sealed record RlooOptions
{
    /// <summary>k, answers sampled per prompt (default 4; at least 2 for a leave-one-out baseline).</summary>
    public int SamplesPerPrompt { get; init; } = 4;

    /// <summary>Prompts per iteration (default 8): each iteration samples this many × k answers in one batched engine.</summary>
    public int PromptsPerIteration { get; init; } = 8;

    /// <summary>Iterations (default 0: one pass over the training prompts).</summary>
    public int Iterations { get; init; }

    /// <summary>Optimisation passes over each iteration's samples (default 2), the PPO-style reuse the clipped ratio makes safe.</summary>
    public int InnerEpochs { get; init; } = 2;

    /// <summary>Answers per optimizer step (default 8).</summary>
    public int MiniBatch { get; init; } = 8;

    /// <summary>β of the KL penalty subtracted from each answer's reward: r = score + rule − β Σ_t log(πθ/πref) (default 0.05, TRL's).</summary>
    public double KlCoefficient { get; init; } = 0.05;

    /// <summary>ε of the clipped ratio (default 0.2).</summary>
    public double ClipRange { get; init; } = 0.2;

    /// <summary>Reward taken per citation marker that names no chunk (default 1; 0 turns the rule off).</summary>
    public double CitationPenalty { get; init; } = 1.0;

    /// <summary>Sampling temperature (default 1: the policy's own distribution, which the ratio assumes).</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Most tokens per sampled answer (default 64).</summary>
    public int MaxNewTokens { get; init; } = 64;

    /// <summary>LoRA rank of a fresh policy adapter (default 16; ignored with --adapter).</summary>
    public int Rank { get; init; } = 16;

    /// <summary>Learning rate (default 1e-4, constant after a short warmup).</summary>
    public double LearningRate { get; init; } = 1e-4;

    public int MaxLength { get; init; } = 256;
    public double GradientClip { get; init; } = 1.0;

    /// <summary>Mean per-answer KL (nats) past which the run stops, keeping the last adapter within it (default 10).</summary>
    public double MaxKl { get; init; } = 10;

    /// <summary>Share of prompts held out for reward_before/after and kl (default 0.2, at least one).</summary>
    public double HeldOutShare { get; init; } = 0.2;

    /// <summary>Answers sampled per held-out prompt for the before/after measurement (default 2).</summary>
    public int EvalSamples { get; init; } = 2;

    /// <summary>Sequences the engine decodes together (default 16).</summary>
    public int DecodeBatch { get; init; } = 16;

    public ulong Seed { get; init; } = 1234;

    public void Validate()
    {
        if (SamplesPerPrompt < 2) throw new ArgumentOutOfRangeException(nameof(SamplesPerPrompt), SamplesPerPrompt, "leave-one-out needs at least 2 samples per prompt");
        if (PromptsPerIteration < 1) throw new ArgumentOutOfRangeException(nameof(PromptsPerIteration), PromptsPerIteration, "must be >= 1");
        if (Iterations < 0) throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "must be >= 0");
        if (InnerEpochs < 1) throw new ArgumentOutOfRangeException(nameof(InnerEpochs), InnerEpochs, "must be >= 1");
        if (MiniBatch < 1) throw new ArgumentOutOfRangeException(nameof(MiniBatch), MiniBatch, "must be >= 1");
        if (KlCoefficient < 0) throw new ArgumentOutOfRangeException(nameof(KlCoefficient), KlCoefficient, "must be >= 0");
        if (!(ClipRange > 0 && ClipRange < 1)) throw new ArgumentOutOfRangeException(nameof(ClipRange), ClipRange, "must be in (0, 1)");
        if (CitationPenalty < 0) throw new ArgumentOutOfRangeException(nameof(CitationPenalty), CitationPenalty, "must be >= 0");
        if (!(Temperature > 0)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "sampling needs a temperature > 0");
        if (MaxNewTokens < 1) throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), MaxNewTokens, "must be >= 1");
        if (Rank < 1) throw new ArgumentOutOfRangeException(nameof(Rank), Rank, "must be >= 1");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be > 0");
        if (!(MaxKl > 0)) throw new ArgumentOutOfRangeException(nameof(MaxKl), MaxKl, "must be > 0");
        if (!(HeldOutShare > 0 && HeldOutShare < 1)) throw new ArgumentOutOfRangeException(nameof(HeldOutShare), HeldOutShare, "must be in (0, 1)");
        if (EvalSamples < 1) throw new ArgumentOutOfRangeException(nameof(EvalSamples), EvalSamples, "must be >= 1");
        if (DecodeBatch < 1) throw new ArgumentOutOfRangeException(nameof(DecodeBatch), DecodeBatch, "must be >= 1");
    }
}
