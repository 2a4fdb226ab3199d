using System.Diagnostics;
using DomainAssistant.Training.Tokenizers;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// Draws tokenizer training progress on one stderr line (redrawn with '\r'), at most four times a second so a
/// redirected log stays short; the final state is always drawn and ends the line.
/// </summary>
sealed class TokenizerProgressBar(TextWriter error) : IProgress<TrainingProgress>
{
    const int Width = 30;
    static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(250);

    readonly Stopwatch sinceDraw = Stopwatch.StartNew();
    bool drawn;

    public void Report(TrainingProgress value)
    {
        var finished = value.MergesDone >= value.MergesTotal;
        if (drawn && !finished && sinceDraw.Elapsed < RedrawInterval) return;
        var filled = (int)Math.Round(value.Fraction * Width);
        var eta = value.EstimatedRemaining is { } remaining ? $"ETA {remaining.TotalSeconds,5:F1}s" : "ETA     ?";
        error.Write(FormattableString.Invariant(
            $"\r[{new string('#', filled)}{new string('.', Width - filled)}] {value.MergesDone,6}/{value.MergesTotal} merges  {value.Elapsed.TotalSeconds,6:F1}s  {eta}"));
        drawn = true;
        sinceDraw.Restart();
    }

    /// <summary>Ends the progress line (training can stop short of the total when pairs run out).</summary>
    public void Complete()
    {
        if (drawn) error.WriteLine();
    }
}
