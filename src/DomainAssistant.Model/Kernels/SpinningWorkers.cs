using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace DomainAssistant.Model.Kernels;

/// <summary>
/// Helper threads for the decoding kernels. Between calls each helper spins for <see cref="SpinMicroseconds"/> before
/// it sleeps, so a kernel called again within that time has its second core within about a microsecond.
/// </summary>
/// <remarks>
/// A decoding step calls the kernels many times in quick succession (short gaps between calls). Parallel.For hands
/// each call to a thread-pool worker that has gone to sleep since its last item, and it wakes later the longer the
/// gap; when the worker is later than the calling thread's own share, the caller runs every part itself, so batch-8
/// attention ran no faster on two threads than on one (figures: docs/modeling.md, 'Kernel threads'). Parts are
/// claimed, not assigned, so a helper that the OS has descheduled delays nothing: the caller takes its parts.
/// One caller at a time uses the helpers; a second concurrent caller (another model in the same process) goes to
/// Parallel.For rather than wait.
/// </remarks>
internal sealed class SpinningWorkers
{
    /// <summary>How long an idle helper waits for the next call before it sleeps: longer than the gaps inside a decoding
    /// step, short enough that a helper does not hold a core that libtorch's own threads want for long.</summary>
    const double SpinMicroseconds = 100;

    static readonly long SpinTicks = (long)(SpinMicroseconds * Stopwatch.Frequency / 1e6);

    public static SpinningWorkers Shared { get; } = new(Math.Max(0, Environment.ProcessorCount - 1));

    readonly Helper[] _helpers;
    readonly Lock _gate = new();
    Job? _current;

    SpinningWorkers(int helpers)
    {
        _helpers = new Helper[helpers];
        for (int i = 0; i < helpers; i++) _helpers[i] = new Helper(this, i + 1);
    }

    /// <summary>Runs <paramref name="part"/>(0..parts-1), each exactly once, on the calling thread and up to
    /// <paramref name="threads"/> - 1 helpers; returns when all are done and rethrows the first failure.</summary>
    public void Run(int parts, int threads, Action<int> part)
    {
        if (threads <= 1 || _helpers.Length == 0 || !_gate.TryEnter())
        {
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, part);
            return;
        }
        try
        {
            var job = new Job(parts, part);
            Volatile.Write(ref _current, job);
            for (int i = 0; i < Math.Min(threads - 1, _helpers.Length); i++) _helpers[i].Wake();
            job.Work();
            job.WaitUntilDone();
            Volatile.Write(ref _current, null); // let the delegate and its buffers go
            job.Error?.Throw();
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>One call's parts: claimed one at a time by whoever is free.</summary>
    sealed class Job(int parts, Action<int> part)
    {
        int _claimed, _finished;

        public ExceptionDispatchInfo? Error { get; private set; }

        public void Work()
        {
            for (int p; (p = Interlocked.Increment(ref _claimed) - 1) < parts;)
            {
                try { part(p); }
                catch (Exception e) { Error ??= ExceptionDispatchInfo.Capture(e); }
                Interlocked.Increment(ref _finished);
            }
        }

        public void WaitUntilDone()
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _finished) < parts) spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>A background thread that runs parts of each new job, spinning between jobs, then sleeping.</summary>
    sealed class Helper
    {
        readonly SpinningWorkers _owner;
        readonly object _bed = new(); // Monitor.Wait/Pulse need an object, not a Lock
        bool _woken; // a wake-up not yet consumed, guarded by _bed
        int _sleeping; // 1 while the helper is (about to be) asleep

        public Helper(SpinningWorkers owner, int number)
        {
            _owner = owner;
            new Thread(Loop) { IsBackground = true, Name = $"kernel helper {number}" }.Start();
        }

        /// <summary>Called after a new job is published: releases the helper if it went to sleep.</summary>
        public void Wake()
        {
            if (Interlocked.Exchange(ref _sleeping, 0) == 1)
                lock (_bed)
                {
                    _woken = true;
                    Monitor.Pulse(_bed);
                }
        }

        void Sleep()
        {
            lock (_bed)
            {
                while (!_woken) Monitor.Wait(_bed);
                _woken = false;
            }
        }

        void Loop()
        {
            Job? seen = null;
            while (true)
            {
                var job = WaitForJob(seen);
                seen = job;
                job.Work();
            }
        }

        Job WaitForJob(Job? seen)
        {
            long start = Stopwatch.GetTimestamp();
            while (true)
            {
                if (Volatile.Read(ref _owner._current) is { } job && job != seen) return job;
                if (Stopwatch.GetTimestamp() - start < SpinTicks)
                {
                    Thread.SpinWait(8);
                    continue;
                }
                // Sleep: announce it (a full fence), then look again, so a job published in between is not missed.
                Interlocked.Exchange(ref _sleeping, 1);
                if (Volatile.Read(ref _owner._current) is { } late && late != seen)
                {
                    // The publisher may already have taken the flag and sent a wake-up: consume it.
                    if (Interlocked.Exchange(ref _sleeping, 0) == 0) Sleep();
                    return late;
                }
                Sleep();
                start = Stopwatch.GetTimestamp();
            }
        }
    }
}
