using System.Diagnostics;

namespace DomainAssistant.Training.Progress;

/// <summary>
/// Wall time, throughput and ETA of one training process, and the time limit it must respect. Throughput counts
/// only this process's steps, so a resumed run reports its own speed rather than one diluted by the earlier run.
/// </summary>
public sealed class TrainingClock
{
    readonly Stopwatch _watch = Stopwatch.StartNew();
    readonly TimeSpan? _limit;
    long _tokens;
    long _steps;
    TimeSpan _stepTime;

    /// <param name="limit">Stop starting new steps after this much wall time; null for no limit.</param>
    public TrainingClock(TimeSpan? limit) => _limit = limit;

    public TimeSpan Elapsed => _watch.Elapsed;

    /// <summary>Training tokens processed by this process.</summary>
    public long Tokens => _tokens;

    public double TokensPerSecond => _stepTime.TotalSeconds > 0 ? _tokens / _stepTime.TotalSeconds : 0;

    /// <summary>Records one step of <paramref name="tokens"/> tokens that took <paramref name="duration"/>.</summary>
    public void AddStep(long tokens, TimeSpan duration)
    {
        _tokens += tokens;
        _steps++;
        _stepTime += duration;
    }

    /// <summary>True once the time limit has passed.</summary>
    public bool OutOfTime => _limit is { } limit && _watch.Elapsed >= limit;

    /// <summary>Time to do <paramref name="stepsLeft"/> more steps at this process's mean step time, capped by the time limit.</summary>
    public TimeSpan? Remaining(long stepsLeft)
    {
        if (_steps == 0) return null;
        var estimate = _stepTime / _steps * Math.Max(0, stepsLeft);
        if (_limit is { } limit) estimate = TimeSpan.FromTicks(Math.Min(estimate.Ticks, Math.Max(0, (limit - _watch.Elapsed).Ticks)));
        return estimate;
    }
}
