namespace DomainAssistant.Training.Runs;

/// <summary>What <see cref="TrainingLoop"/> does when a step diverges (NaN or infinite loss or gradient norm).</summary>
public enum DivergenceHandling
{
    /// <summary>Let <see cref="Optimization.TrainingDivergedException"/> end the run: nothing is written, the last checkpoint stands (pretraining, SFT, reward model).</summary>
    Throw,

    /// <summary>Stop with <see cref="StopReason.Diverged"/>: the last good weights are kept and written (KTO, RLOO).</summary>
    Stop,
}
