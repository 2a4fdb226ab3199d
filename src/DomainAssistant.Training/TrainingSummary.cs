namespace DomainAssistant.Training;

/// <summary>What a training job did: the numbers `da train ... --json` prints as its last line.</summary>
public sealed record TrainingSummary
{
    /// <summary>"base" or "sft".</summary>
    public required string Job { get; init; }

    /// <summary>The folder written (a Hugging Face model folder, or a PEFT adapter folder).</summary>
    public required string Output { get; init; }

    /// <summary>Held-out loss (nats per token) before this run's first step (for a resumed base run: before the run's first step ever).</summary>
    public required double EvalLossBefore { get; init; }

    /// <summary>Held-out loss of what was written.</summary>
    public required double EvalLossAfter { get; init; }

    public double EvalPerplexityBefore => Math.Exp(EvalLossBefore);
    public double EvalPerplexityAfter => Math.Exp(EvalLossAfter);

    /// <summary>Training tokens processed by this process.</summary>
    public required long TrainTokens { get; init; }

    /// <summary>Training throughput of this process (tokens per second of step time).</summary>
    public required double TokensPerSecond { get; init; }

    public required long Steps { get; init; }
    public required long TotalSteps { get; init; }

    /// <summary>Whether the schedule (or early stopping) finished, as opposed to a time limit or cancellation.</summary>
    public required bool Completed { get; init; }

    /// <summary>Why training stopped (schedule, early_stopping, time_limit, cancelled).</summary>
    public required StopReason StopReason { get; init; }

    public required double Seconds { get; init; }
    public required long Parameters { get; init; }
    public required long TrainableParameters { get; init; }

    /// <summary>Data lines skipped, each "file:line: problem" (SFT).</summary>
    public IReadOnlyList<string> SkippedLines { get; init; } = [];
}
