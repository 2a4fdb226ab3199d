namespace DomainAssistant.Model.Kernels;

/// <summary>Splits items [0, count) into one contiguous range per worker and runs them on <see cref="SpinningWorkers"/>.</summary>
internal static class WorkerRanges
{
    /// <summary>Runs <paramref name="range"/>(from, to) over [0, count): inline for one worker, else one range each.</summary>
    public static void Run(int count, int workers, Action<int, int> range)
    {
        if (workers <= 1)
        {
            range(0, count);
            return;
        }
        SpinningWorkers.Shared.Run(workers, workers,
            part => range((int)((long)count * part / workers), (int)((long)count * (part + 1) / workers)));
    }
}
