using DomainAssistant.Alignment.Preferences;

namespace DomainAssistant.Alignment.RewardModeling;

/// <summary>Settings of reward-model training (<see cref="RewardModelTrainer"/>); every one is recorded with the model.</summary>
public sealed record RewardModelOptions
{
    /// <summary>LoRA rank of the reward adapter (default 8; ignored when starting from --adapter, whose rank is kept).</summary>
    public int Rank { get; init; } = 8;

    /// <summary>Passes over the training votes (default 4).</summary>
    public int Epochs { get; init; } = 4;

    /// <summary>Peak learning rate of adapter and head (default 1e-3), warmup then cosine decay.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Votes per step (default 8); each step also takes as many pairs when there are pairs.</summary>
    public int BatchRows { get; init; } = 8;

    /// <summary>Longest prompt + answer scored, in tokens (default 256; capped by the model's context).</summary>
    public int MaxLength { get; init; } = 256;

    /// <summary>Share of prompts (with all their votes and pairs) held out for the metrics when no held-out file is given (default 0.2).</summary>
    public double HeldOutShare { get; init; } = 0.2;

    /// <summary>Weight of the Bradley-Terry pair loss next to the pointwise loss (default 1).</summary>
    public double PairWeight { get; init; } = 1.0;

    /// <summary>Global gradient-norm clip (default 1).</summary>
    public double GradientClip { get; init; } = 1.0;

    /// <summary>Seed of the adapter, head, split and order (default 1234).</summary>
    public ulong Seed { get; init; } = 1234;

    public PreferenceOptions Preferences { get; init; } = new();

    public void Validate()
    {
        if (Rank < 1) throw new ArgumentOutOfRangeException(nameof(Rank), Rank, "rank must be >= 1");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "epochs must be >= 1");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be > 0");
        if (BatchRows < 1) throw new ArgumentOutOfRangeException(nameof(BatchRows), BatchRows, "batch must be >= 1");
        if (MaxLength < 8) throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, "max length must be >= 8");
        if (!(HeldOutShare > 0 && HeldOutShare < 1)) throw new ArgumentOutOfRangeException(nameof(HeldOutShare), HeldOutShare, "held-out share must be in (0, 1)");
        if (PairWeight < 0) throw new ArgumentOutOfRangeException(nameof(PairWeight), PairWeight, "pair weight must be >= 0");
        Preferences.Validate();
    }
}
