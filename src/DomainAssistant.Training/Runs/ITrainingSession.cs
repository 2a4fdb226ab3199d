using DomainAssistant.Training.Progress;

namespace DomainAssistant.Training.Runs;

/// <summary>
/// What a trainer plugs into <see cref="TrainingLoop"/>: its data, its loss and its bookkeeping. The loop owns the
/// order of things (stop checks, the step, timing, evaluation and checkpoint cadence, divergence); a session owns
/// what a step, an evaluation and a checkpoint are for its kind of training.
/// </summary>
public interface ITrainingSession
{
    /// <summary>Whether the schedule has another step (pretraining: steps left; SFT: batches left in the epochs).</summary>
    bool HasNextStep { get; }

    /// <summary>Takes one optimizer step (or one iteration, for RLOO).</summary>
    /// <exception cref="Optimization.TrainingDivergedException">A NaN or infinite loss or gradient; nothing of the step was applied.</exception>
    TrainingStepOutcome TakeStep();

    /// <summary>After the clock counted the step: report progress, size a time-limited schedule.</summary>
    void Stepped(TrainingStepOutcome outcome, TrainingClock clock);

    /// <summary>Whether a held-out evaluation is due after the step just taken.</summary>
    bool EvaluationDue { get; }

    /// <summary>Evaluates; true when the run should stop here (early stopping).</summary>
    bool Evaluate(TrainingClock clock);

    /// <summary>Whether a checkpoint is due after the step just taken (and its evaluation).</summary>
    bool CheckpointDue { get; }

    void Checkpoint(TrainingClock clock);

    /// <summary>The run is cut short (cancelled or out of time) before the schedule ends: a last evaluation, for example.</summary>
    void Interrupted(StopReason reason, TrainingClock clock);
}
