using System.Globalization;
using DomainAssistant.Contracts;
using DomainAssistant.Training.Progress;

namespace DomainAssistant.Jobs.Alignment;

/// <summary>
/// An alignment run's progress as <see cref="JobProgressed"/> reports: the stage, its step and total, the estimated
/// time left, and the share of the whole run done (each stage owns a slice of it). Training steps are passed on every
/// few seconds, stage changes at once. Publishing is the caller's (the trainers report synchronously on their thread).
/// </summary>
/// <param name="jobId">The run.</param>
/// <param name="publish">Sends one report; called in order.</param>
/// <param name="clock">Paces the step reports.</param>
public sealed class AlignmentProgress(Guid jobId, Action<JobProgressed> publish, TimeProvider clock)
{
    /// <summary>Least time between two step reports of one stage.</summary>
    static readonly TimeSpan StepInterval = TimeSpan.FromSeconds(5);

    readonly Lock _gate = new();
    string _phase = "";
    double _from;
    double _to;
    DateTimeOffset _lastStep = DateTimeOffset.MinValue;

    /// <summary>Enters a stage that covers [<paramref name="from"/>, <paramref name="to"/>) of the run, with a note.</summary>
    public void Enter(string phase, double from, double to, string note)
    {
        lock (_gate)
        {
            (_phase, _from, _to, _lastStep) = (phase, from, to, DateTimeOffset.MinValue);
            publish(new JobProgressed(jobId, $"{phase}: {note}", phase, Fraction: from));
        }
    }

    /// <summary>A step of the current stage (done of total), with the estimated time left when known.</summary>
    public void Step(long done, long total, TimeSpan? left, string? detail = null)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (done < total && now - _lastStep < StepInterval) return;
            _lastStep = now;
            var share = total <= 0 ? 1 : Math.Clamp((double)done / total, 0, 1);
            var eta = left is { } l ? string.Create(CultureInfo.InvariantCulture, $", about {l.TotalMinutes:0.0} min left") : "";
            publish(new JobProgressed(jobId, $"{_phase}: step {done}/{total}{eta}{(detail is null ? "" : $" ({detail})")}", _phase, done, total, left?.TotalSeconds,
                _from + (_to - _from) * share));
        }
    }

    /// <summary>The trainers' events, as steps of the current stage.</summary>
    public IProgress<TrainingEvent> Training() => new TrainingSteps(this);

    sealed class TrainingSteps(AlignmentProgress progress) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value)
        {
            ArgumentNullException.ThrowIfNull(value);
            var loss = value.Loss is { } l ? string.Create(CultureInfo.InvariantCulture, $"loss {l:0.000}") : null;
            progress.Step(value.Step, value.TotalSteps, value.Remaining, loss);
        }
    }
}
