using System.Text.Json.Serialization;
using DomainAssistant.Model;

namespace DomainAssistant.Training.Pretraining;

/// <summary>How a bootstrap base model is pretrained. Defaults suit the small size on a 2-core CPU.</summary>
public sealed record PretrainingOptions
{
    /// <summary>A name from <see cref="ModelSizes"/> (default small); ignored when <see cref="Config"/> is given.</summary>
    public string Size { get; init; } = "small";

    /// <summary>An explicit model shape (its vocab_size must cover the tokenizer); null to use <see cref="Size"/>.</summary>
    public LlamaConfig? Config { get; init; }

    /// <summary>Vocabulary of the tokenizer trained when the output folder has none (default 4,096).</summary>
    public int VocabSize { get; init; } = 4096;

    /// <summary>Tokens per training row (default 256).</summary>
    public int SequenceLength { get; init; } = 256;

    /// <summary>Context length written to config.json (default 512: twice the training length, for a little headroom).</summary>
    public int MaxPositions { get; init; } = 512;

    /// <summary>Rows per micro-batch (default 16).</summary>
    public int BatchRows { get; init; } = 16;

    /// <summary>Micro-batches per optimizer step (default 1); the step's batch is BatchRows x this.</summary>
    public int AccumulationSteps { get; init; } = 1;

    /// <summary>Peak learning rate (default 2e-3, high as small models tolerate).</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Final learning rate as a share of the peak (default 0.1).</summary>
    public double MinLearningRateRatio { get; init; } = 0.1;

    /// <summary>Warmup steps (default 20).</summary>
    public int WarmupSteps { get; init; } = 20;

    /// <summary>
    /// Optimizer steps in the schedule. Null: planned from <see cref="MaxMinutes"/> (the first steps are timed and the
    /// schedule sized to 90% of the budget), else <see cref="Epochs"/> passes over the training tokens.
    /// </summary>
    public long? Steps { get; init; }

    /// <summary>Passes over the training tokens when neither <see cref="Steps"/> nor a time limit sizes the schedule (default 10).</summary>
    public double Epochs { get; init; } = 10;

    /// <summary>Wall-clock limit of this process in minutes; training stops, checkpoints and writes the model when it passes.</summary>
    [JsonIgnore] public double? MaxMinutes { get; init; }

    /// <summary>Clip the global gradient norm to this (default 1; 0 = off).</summary>
    public double GradientClip { get; init; } = 1.0;

    public double WeightDecay { get; init; } = 0.1;

    /// <summary>bf16 (bfloat16 forward and backward with float32 master weights and optimizer) or fp32; default
    /// <see cref="TrainingPrecisions.Default"/> (bf16 only where the CPU multiplies it in hardware).</summary>
    public TrainingPrecision Precision { get; init; } = TrainingPrecisions.Default;

    /// <summary>Measure the held-out loss every this many steps (default 50).</summary>
    public int EvalEvery { get; init; } = 50;

    /// <summary>Write a checkpoint every this many steps (default 50), and always at the end.</summary>
    public int CheckpointEvery { get; init; } = 50;

    /// <summary>One in this many 512-token chunks of the corpus is held out (default 10, i.e. 10%).</summary>
    public int HeldOutEvery { get; init; } = 10;

    /// <summary>Seeds the initial weights and the data order (default 1234).</summary>
    public ulong Seed { get; init; } = 1234;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option that cannot work.</summary>
    public void Validate()
    {
        static void Positive(double value, string name)
        {
            if (!(value > 0) || !double.IsFinite(value)) throw new ArgumentException($"{name} must be positive, got {value}.");
        }
        if (Config is null && !ModelSizes.Names.Contains(Size)) throw new ArgumentException($"unknown model size '{Size}'; known: {string.Join(", ", ModelSizes.Names)}.");
        Positive(SequenceLength, "sequence length");
        Positive(BatchRows, "batch rows");
        Positive(AccumulationSteps, "accumulation steps");
        Positive(LearningRate, "learning rate");
        Positive(EvalEvery, "eval interval");
        Positive(CheckpointEvery, "checkpoint interval");
        Positive(Epochs, "epochs");
        if (Steps is <= 0) throw new ArgumentException($"steps must be positive, got {Steps}.");
        if (MaxMinutes is { } minutes) Positive(minutes, "max minutes");
        if (SequenceLength > MaxPositions) throw new ArgumentException($"sequence length {SequenceLength} exceeds the context length {MaxPositions}.");
        if (!Enum.IsDefined(Precision)) throw new ArgumentException($"precision must be fp32 or bf16, got '{Precision}'.");
        if (HeldOutEvery < 2) throw new ArgumentException($"held-out interval must be at least 2, got {HeldOutEvery}.");
    }
}
