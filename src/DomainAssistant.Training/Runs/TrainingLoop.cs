using System.Diagnostics;
using DomainAssistant.Training.Optimization;
using DomainAssistant.Training.Progress;

namespace DomainAssistant.Training.Runs;

/// <summary>
/// The one training loop every trainer runs (pretraining, SFT, reward model, KTO, RLOO): until the session's schedule
/// ends, check cancellation and then the time budget, take a step, count it on the clock, let the session report
/// it, evaluate when due (early stopping may end the run), checkpoint when due. Returns why it stopped.
/// </summary>
/// <remarks>
/// Cancellation and the time limit are checked before a step, never inside one, so every stop leaves the weights of
/// a whole step; a session gets <see cref="ITrainingSession.Interrupted"/> then, not after the schedule ended.
/// </remarks>
public static class TrainingLoop
{
    public static StopReason Run(ITrainingSession session, TrainingClock clock, DivergenceHandling divergence, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(clock);
        while (session.HasNextStep)
        {
            if (cancellation.IsCancellationRequested) return Interrupt(session, StopReason.Cancelled, clock);
            if (clock.OutOfTime) return Interrupt(session, StopReason.TimeLimit, clock);
            var watch = Stopwatch.StartNew();
            TrainingStepOutcome outcome;
            try
            {
                outcome = session.TakeStep();
            }
            catch (TrainingDivergedException) when (divergence == DivergenceHandling.Stop)
            {
                return StopReason.Diverged; // the step was not applied: the weights are the last good ones
            }
            if (outcome.Stop is { } stop) return stop;
            clock.AddStep(outcome.Tokens, outcome.Duration ?? watch.Elapsed);
            session.Stepped(outcome, clock);
            if (session.EvaluationDue && session.Evaluate(clock)) return StopReason.EarlyStopping;
            if (session.CheckpointDue) session.Checkpoint(clock);
        }
        return StopReason.Schedule;
    }

    static StopReason Interrupt(ITrainingSession session, StopReason reason, TrainingClock clock)
    {
        session.Interrupted(reason, clock);
        return reason;
    }
}
