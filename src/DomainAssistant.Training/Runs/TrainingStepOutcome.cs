namespace DomainAssistant.Training.Runs;

/// <summary>What one step of a <see cref="ITrainingSession"/> did.</summary>
/// <param name="Tokens">Training tokens the step processed (counted by the clock).</param>
/// <param name="Loss">The step's loss.</param>
/// <param name="Stop">Set when the step found the run must stop before it changed anything (the KL bound); the loop returns it.</param>
/// <param name="Duration">Time to count for throughput when only part of the step is training (RLOO's sampling is not); null: the whole step.</param>
public readonly record struct TrainingStepOutcome(long Tokens, double Loss, StopReason? Stop = null, TimeSpan? Duration = null)
{
    /// <summary>The step found the run must stop; nothing was trained.</summary>
    public static TrainingStepOutcome Stopped(StopReason reason) => new(0, double.NaN, reason);
}
