namespace DomainAssistant.Training.Optimization;

/// <summary>
/// The loss or the gradients became NaN or infinite. Training stops at once; the weights of that step are never
/// applied or saved, so the last checkpoint on disk is the last good state.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException() { }

    public TrainingDivergedException(string message) : base(message) { }

    public TrainingDivergedException(string message, Exception inner) : base(message, inner) { }

    /// <param name="step">The 1-based step that diverged.</param>
    /// <param name="what">"loss" or "gradient norm".</param>
    /// <param name="value">The bad value.</param>
    public TrainingDivergedException(long step, string what, double value)
        : base(FormattableString.Invariant($"training diverged at step {step}: the {what} is {value}; that step was not applied, and the last checkpoint is the last good state (lower the learning rate, or check the data)."))
    {
        Step = step;
    }

    public long Step { get; }
}
