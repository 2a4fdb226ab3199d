namespace DomainAssistant.Training.Progress;

/// <summary>What a training event reports.</summary>
public enum TrainingPhase
{
    /// <summary>The job is set up and about to take its first step.</summary>
    Started,

    /// <summary>An optimizer step finished.</summary>
    Step,

    /// <summary>The held-out loss was measured.</summary>
    Evaluated,

    /// <summary>A checkpoint (or the best adapter so far) was written.</summary>
    Checkpointed,

    /// <summary>The job ended (schedule done, early stop, time limit or cancellation).</summary>
    Finished,
}

/// <summary>
/// One structured progress report of a long training job: the numbers the terminal bar draws and the service shows
/// (step, tokens, throughput, losses, ETA). Delivered through <see cref="IProgress{T}"/>; serialisable as it is.
/// </summary>
/// <param name="Job">"base" (pretraining) or "sft".</param>
/// <param name="Phase">What happened.</param>
/// <param name="Step">Optimizer steps done (resumed runs count from the checkpoint's step).</param>
/// <param name="TotalSteps">Steps the schedule plans (a run can stop earlier: time limit, early stopping).</param>
/// <param name="Epoch">Epoch in progress, counted from 1 (SFT); 0 for step-sampled pretraining.</param>
/// <param name="Tokens">Training tokens consumed so far (input positions, padding excluded).</param>
/// <param name="TokensPerSecond">Throughput of this process so far.</param>
/// <param name="Loss">Training loss of the last step (mean per predicted token), if any.</param>
/// <param name="EvalLoss">Latest held-out loss, if measured.</param>
/// <param name="LearningRate">Learning rate of the last step.</param>
/// <param name="Elapsed">Wall time of this process.</param>
/// <param name="Remaining">Estimated time to the end of the schedule (capped by the time limit), if known.</param>
/// <param name="Message">A short note for <see cref="TrainingPhase.Checkpointed"/> and <see cref="TrainingPhase.Finished"/>.</param>
public sealed record TrainingEvent(
    string Job,
    TrainingPhase Phase,
    long Step,
    long TotalSteps,
    int Epoch,
    long Tokens,
    double TokensPerSecond,
    double? Loss,
    double? EvalLoss,
    double LearningRate,
    TimeSpan Elapsed,
    TimeSpan? Remaining,
    string? Message = null)
{
    /// <summary>Share of the planned steps done, 0 to 1.</summary>
    public double Fraction => TotalSteps <= 0 ? 1 : Math.Clamp((double)Step / TotalSteps, 0, 1);
}
