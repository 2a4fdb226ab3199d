using System.Text.Json.Serialization;

namespace DomainAssistant.Training.Sft;

/// <summary>How a LoRA adapter is fine-tuned. Defaults suit models of a few million parameters on a CPU.</summary>
public sealed record SftOptions
{
    /// <summary>LoRA rank r (default 16).</summary>
    public int Rank { get; init; } = 16;

    /// <summary>LoRA alpha; the update is scaled by alpha / r (default 2r, i.e. scale 2).</summary>
    public double? Alpha { get; init; }

    /// <summary>Modules that get adapters: "all-linear" (default: attention and MLP projections), or names such as q_proj,v_proj.</summary>
    public string Targets { get; init; } = "all-linear";

    /// <summary>Dropout on the adapter input while training (default 0).</summary>
    public double LoraDropout { get; init; }

    /// <summary>
    /// Train every weight of the model instead of a LoRA adapter (default false); the output is then a whole Hugging
    /// Face model folder (config, weights, tokenizer). Rank, alpha, targets and dropout do not apply.
    /// </summary>
    public bool FullParameters { get; init; }

    /// <summary>Passes over the training examples (default 3); early stopping can end sooner.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Tokens per training row (default 256, capped by the model's context length).</summary>
    public int SequenceLength { get; init; } = 256;

    /// <summary>Rows per micro-batch (default 8).</summary>
    public int BatchRows { get; init; } = 8;

    /// <summary>Micro-batches per optimizer step (default 1).</summary>
    public int AccumulationSteps { get; init; } = 1;

    /// <summary>Peak learning rate (default 2e-3: tiny models need more than the 1e-4 usual for large ones).</summary>
    public double LearningRate { get; init; } = 2e-3;

    public double MinLearningRateRatio { get; init; } = 0.1;

    /// <summary>Warmup steps (default 10).</summary>
    public int WarmupSteps { get; init; } = 10;

    public double GradientClip { get; init; } = 1.0;

    /// <summary>Decoupled weight decay on the adapter (default 0, as PEFT recipes use).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Share of the examples held out for evaluation and early stopping (default 0.1, at least one example).</summary>
    public double EvalShare { get; init; } = 0.1;

    /// <summary>Stop after this many evaluations without improvement (default 2; 0 = never stop early).</summary>
    public int Patience { get; init; } = 2;

    /// <summary>An improvement smaller than this (nats per token) does not count (default 0.001).</summary>
    public double MinImprovement { get; init; } = 0.001;

    /// <summary>Evaluations per epoch (default 1; more lets early stopping act within long epochs).</summary>
    public int EvalsPerEpoch { get; init; } = 1;

    /// <summary>bf16 (bfloat16 compute, float32 adapter masters) or fp32; default <see cref="TrainingPrecisions.Default"/>
    /// (bf16 only where the CPU multiplies it in hardware).</summary>
    public TrainingPrecision Precision { get; init; } = TrainingPrecisions.Default;

    /// <summary>Seeds the adapter initialisation, the eval split and the data order (default 1234).</summary>
    public ulong Seed { get; init; } = 1234;

    /// <summary>System message for conversations without one (default none).</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Refuse the data at the first bad line instead of skipping and reporting it.</summary>
    public bool Strict { get; init; }

    /// <summary>Dataset version for the lineage record (default: the first 12 hex digits of its checksum).</summary>
    public string? DataVersion { get; init; }

    /// <summary>Wall-clock limit in minutes; training stops, keeps the best adapter and writes it.</summary>
    [JsonIgnore] public double? MaxMinutes { get; init; }

    public double Scaling => (Alpha ?? 2.0 * Rank) / Rank;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option that cannot work.</summary>
    public void Validate()
    {
        static void Positive(double value, string name)
        {
            if (!(value > 0) || !double.IsFinite(value)) throw new ArgumentException($"{name} must be positive, got {value}.");
        }
        Positive(Rank, "rank");
        if (Alpha is { } alpha) Positive(alpha, "alpha");
        Positive(Epochs, "epochs");
        Positive(SequenceLength, "sequence length");
        Positive(BatchRows, "batch rows");
        Positive(AccumulationSteps, "accumulation steps");
        Positive(LearningRate, "learning rate");
        Positive(EvalsPerEpoch, "evaluations per epoch");
        if (EvalShare is <= 0 or >= 1) throw new ArgumentException($"eval share must be in (0, 1), got {EvalShare}.");
        if (Patience < 0) throw new ArgumentException($"patience must not be negative, got {Patience}.");
        if (MaxMinutes is { } minutes) Positive(minutes, "max minutes");
        if (!Enum.IsDefined(Precision)) throw new ArgumentException($"precision must be fp32 or bf16, got '{Precision}'.");
        if (string.IsNullOrWhiteSpace(Targets)) throw new ArgumentException("targets must name at least one module, or all-linear.");
    }
}
