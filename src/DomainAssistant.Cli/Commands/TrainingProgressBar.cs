using System.Diagnostics;
using System.Globalization;
using DomainAssistant.Training.Progress;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// Draws training progress on stderr: on a terminal one line redrawn with '\r' (at most four times a second) with
/// step, loss, held-out loss, tokens/s and ETA; when stderr is redirected, one plain line every ten seconds. Held-out
/// results, checkpoints and the end always get a line of their own. Forwards every event to <paramref name="next"/>.
/// </summary>
sealed class TrainingProgressBar(TextWriter error, bool terminal, IProgress<TrainingEvent>? next) : IProgress<TrainingEvent>
{
    const int Width = 24;

    readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    readonly TimeSpan _interval = terminal ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(10);
    bool _open;

    public void Report(TrainingEvent value)
    {
        next?.Report(value);
        switch (value.Phase)
        {
            case TrainingPhase.Step when _sinceDraw.Elapsed < _interval:
                return;
            case TrainingPhase.Step:
                Draw(Bar(value), endLine: !terminal);
                return;
            default:
                Draw(Note(value), endLine: true);
                return;
        }
    }

    void Draw(string line, bool endLine)
    {
        if (terminal) error.Write('\r' + line.PadRight(_open ? 110 : 0));
        else error.Write(line);
        if (endLine) error.WriteLine();
        _open = terminal && !endLine;
        _sinceDraw.Restart();
    }

    static string Bar(TrainingEvent e)
    {
        var filled = (int)Math.Round(e.Fraction * Width);
        var eval = e.EvalLoss is { } held ? $"  eval {held:F3}" : "";
        return FormattableString.Invariant(
            $"[{new string('#', filled)}{new string('.', Width - filled)}] {e.Job} step {e.Step}/{e.TotalSteps}  loss {e.Loss:F3}{eval}  {e.TokensPerSecond:N0} tok/s  lr {e.LearningRate:0.0e+0}  {Clock(e.Elapsed)} ETA {(e.Remaining is { } r ? Clock(r) : "?")}");
    }

    static string Note(TrainingEvent e) => e.Phase switch
    {
        TrainingPhase.Evaluated => FormattableString.Invariant($"{e.Job} step {e.Step}: held-out loss {e.EvalLoss:F4} (perplexity {Math.Exp(e.EvalLoss ?? double.NaN):F2}), training loss {e.Loss:F4}"),
        TrainingPhase.Started => $"{e.Job}: {e.Message}" + (e.EvalLoss is { } before ? FormattableString.Invariant($"; held-out loss before {before:F4}") : ""),
        _ => FormattableString.Invariant($"{e.Job} step {e.Step}: {e.Message} ({Clock(e.Elapsed)}, {e.TokensPerSecond:N0} tok/s)"),
    };

    static string Clock(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
}
