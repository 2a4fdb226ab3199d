using DomainAssistant.Alignment.Preferences;

namespace DomainAssistant.Alignment.Kto;

/// <summary>Settings of a KTO run (<see cref="KtoTrainer"/>), recorded in its lineage. Defaults follow the paper and TRL's KTOConfig.</summary>
public sealed record KtoOptions
{
    /// <summary>β of the implied reward (default 0.1, the paper's).</summary>
    public double Beta { get; init; } = 0.1;

    /// <summary>λD; null: balanced against the counts (<see cref="KtoLoss.BalancedWeights"/>).</summary>
    public double? DesirableWeight { get; init; }

    /// <summary>λU; null: balanced against the counts.</summary>
    public double? UndesirableWeight { get; init; }

    /// <summary>LoRA rank of a fresh policy adapter (default 16; ignored with --adapter, whose rank is kept).</summary>
    public int Rank { get; init; } = 16;

    public int Epochs { get; init; } = 2;

    /// <summary>Peak learning rate (default 5e-4), warmup then cosine decay.</summary>
    public double LearningRate { get; init; } = 5e-4;

    public int BatchRows { get; init; } = 8;
    public int MaxLength { get; init; } = 256;
    public double GradientClip { get; init; } = 1.0;

    /// <summary>
    /// Bound on the KL estimate z₀ (nats per answer, default 20): past it the run stops and keeps the adapter of the
    /// last step that stayed within it.
    /// </summary>
    public double MaxKl { get; init; } = 20;

    /// <summary>Checkpoint every N steps (and at the end), for resume after a kill.</summary>
    public int CheckpointEvery { get; init; } = 20;

    public ulong Seed { get; init; } = 1234;

    public PreferenceOptions Preferences { get; init; } = new();

    public void Validate()
    {
        if (!(Beta > 0)) throw new ArgumentOutOfRangeException(nameof(Beta), Beta, "beta must be > 0");
        if (DesirableWeight is <= 0) throw new ArgumentOutOfRangeException(nameof(DesirableWeight), DesirableWeight, "must be > 0");
        if (UndesirableWeight is <= 0) throw new ArgumentOutOfRangeException(nameof(UndesirableWeight), UndesirableWeight, "must be > 0");
        if (Rank < 1) throw new ArgumentOutOfRangeException(nameof(Rank), Rank, "rank must be >= 1");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "epochs must be >= 1");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be > 0");
        if (BatchRows < 2) throw new ArgumentOutOfRangeException(nameof(BatchRows), BatchRows, "batch must be >= 2 (the KL estimate pairs each prompt with another answer)");
        if (MaxLength < 8) throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, "max length must be >= 8");
        if (!(MaxKl > 0)) throw new ArgumentOutOfRangeException(nameof(MaxKl), MaxKl, "the KL bound must be > 0");
        if (CheckpointEvery < 1) throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), CheckpointEvery, "must be >= 1");
        Preferences.Validate();
    }
}
