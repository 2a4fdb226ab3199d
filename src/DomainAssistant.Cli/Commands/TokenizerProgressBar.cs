using System.Diagnostics;
using DomainAssistant.Training.Tokenizers;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// Draws tokenizer training progress on stderr: on a terminal one line redrawn with '\r' at most four times a second;
/// when stderr is redirected (docs/training.md), plain lines: the first state, at most one every ten seconds, and the
/// last. The last state is always drawn before the progress ends.
/// </summary>
sealed class TokenizerProgressBar(TextWriter error, bool terminal) : IProgress<TrainingProgress>
{
    const int Width = 30;

    readonly TimeSpan interval = terminal ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(10);
    readonly Stopwatch sinceDraw = Stopwatch.StartNew();
    TrainingProgress? pending;
    bool drawn;
    int shownMerges = -1;

    public void Report(TrainingProgress value)
    {
        var finished = value.MergesDone >= value.MergesTotal;
        pending = value;
        if (drawn && !finished && sinceDraw.Elapsed < interval) return;
        Draw(value);
    }

    /// <summary>Draws the last state and ends the progress line (training can stop short of the total when pairs run out).</summary>
    public void Complete()
    {
        if (pending is { } last) Draw(last);
        if (drawn && terminal) error.WriteLine();
    }

    void Draw(TrainingProgress value)
    {
        pending = null;
        // The trainer reports its final state twice (last merge, then the end); a second identical plain line says nothing.
        if (!terminal && value.MergesDone == shownMerges) return;
        var filled = (int)Math.Round(value.Fraction * Width);
        var eta = value.EstimatedRemaining is { } remaining ? $"ETA {remaining.TotalSeconds,5:F1}s" : "ETA     ?";
        var line = FormattableString.Invariant(
            $"[{new string('#', filled)}{new string('.', Width - filled)}] {value.MergesDone,6}/{value.MergesTotal} merges  {value.Elapsed.TotalSeconds,6:F1}s  {eta}");
        if (terminal) error.Write('\r' + line);
        else error.WriteLine(line);
        drawn = true;
        shownMerges = value.MergesDone;
        sinceDraw.Restart();
    }
}
