using System.Diagnostics;
using DomainAssistant.Training.Tokenizers;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// Draws tokenizer training progress on one stderr line (redrawn with '\r'), at most four times a second so a
/// redirected log stays short; the last state is always drawn before the line ends.
/// </summary>
sealed class TokenizerProgressBar(TextWriter error) : IProgress<TrainingProgress>
{
    const int Width = 30;
    static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(250);

    readonly Stopwatch sinceDraw = Stopwatch.StartNew();
    TrainingProgress? pending;
    bool drawn;

    public void Report(TrainingProgress value)
    {
        var finished = value.MergesDone >= value.MergesTotal;
        pending = value;
        if (drawn && !finished && sinceDraw.Elapsed < RedrawInterval) return;
        Draw(value);
    }

    /// <summary>Draws the last state and ends the progress line (training can stop short of the total when pairs run out).</summary>
    public void Complete()
    {
        if (pending is { } last) Draw(last);
        if (drawn) error.WriteLine();
    }

    void Draw(TrainingProgress value)
    {
        var filled = (int)Math.Round(value.Fraction * Width);
        var eta = value.EstimatedRemaining is { } remaining ? $"ETA {remaining.TotalSeconds,5:F1}s" : "ETA     ?";
        error.Write(FormattableString.Invariant(
            $"\r[{new string('#', filled)}{new string('.', Width - filled)}] {value.MergesDone,6}/{value.MergesTotal} merges  {value.Elapsed.TotalSeconds,6:F1}s  {eta}"));
        drawn = true;
        pending = null;
        sinceDraw.Restart();
    }
}
