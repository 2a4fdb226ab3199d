namespace DomainAssistant.Training.Tokenizers;

/// <summary>How far a <see cref="BpeTrainer"/> run is: merges done out of the merges it aims for.</summary>
/// <param name="MergesDone">Merges learned so far.</param>
/// <param name="MergesTotal">Merges needed to reach the requested vocabulary size (a run can stop earlier when pairs run out).</param>
/// <param name="Elapsed">Time since training started, counting the corpus pass.</param>
/// <param name="EstimatedRemaining">Time left at the merge rate so far; null before the first merge.</param>
public readonly record struct TrainingProgress(int MergesDone, int MergesTotal, TimeSpan Elapsed, TimeSpan? EstimatedRemaining)
{
    /// <summary>Share of the merges done, 0 to 1.</summary>
    public double Fraction => MergesTotal == 0 ? 1 : (double)MergesDone / MergesTotal;
}
