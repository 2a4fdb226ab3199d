using System.Diagnostics;
using System.Globalization;

namespace DomainAssistant.Bench.ScaleOut;

/// <summary>
/// The worker's filing rate on its own: the running worker is paused (SIGSTOP), N feedback messages are put on its
/// queue, then it is let go (SIGCONT) and timed until the inbox holds all N. Pausing, not restarting, keeps the
/// worker's start (JIT, connections) out of the figure, and its CPU time over the drain is read from /proc.
/// </summary>
public static class QueueDrain
{
    /// <param name="Queued">Feedbacks put on the queue.</param>
    /// <param name="PublishSeconds">Time to publish them all (confirmed by the broker).</param>
    /// <param name="Filed">Distinct feedbacks of them filed.</param>
    /// <param name="Rows">Rows filed for them (more than <paramref name="Filed"/> would be a feedback filed twice).</param>
    /// <param name="Seconds">From letting the worker go to the last one filed (polled every 100 ms).</param>
    /// <param name="WorkerCpuSeconds">The worker's CPU time (user and system) over those seconds.</param>
    /// <param name="Load">The 1-minute load average when the worker was let go and when it had filed all.</param>
    /// <param name="ServerCpuSeconds">Each server's CPU time over those seconds (PostgreSQL, RabbitMQ), by name.</param>
    public sealed record Run(int Queued, double PublishSeconds, long Filed, long Rows, double Seconds, double WorkerCpuSeconds, (double Start, double End) Load,
        IReadOnlyDictionary<string, double> ServerCpuSeconds)
    {
        public double FiledPerSecond => Filed / Seconds;

        public double CpuSecondsPer1000 => WorkerCpuSeconds / Filed * 1000;
    }

    /// <param name="workerPid">The worker host's process.</param>
    /// <param name="broker">The stack's RabbitMQ, at its virtual host.</param>
    /// <param name="inbox">The stack's training examples.</param>
    /// <param name="domain">The domain of the queued feedbacks.</param>
    /// <param name="count">Feedbacks to queue.</param>
    /// <param name="timeout">How long to wait for all to be filed.</param>
    /// <param name="servers">Other processes the drain's CPU is read for, by name: a function giving each one's CPU seconds so far.</param>
    public static async Task<Run> RunAsync(int workerPid, Uri broker, FiledFeedback inbox, string domain, int count, TimeSpan timeout,
        IReadOnlyDictionary<string, Func<double>> servers)
    {
        var feedbacks = QueuedFeedback.Make(count, domain);
        var baseline = await inbox.LastSequenceAsync();
        Signal(workerPid, "STOP");
        TimeSpan published;
        try
        {
            published = await QueuedFeedback.PublishAsync(broker, feedbacks, concurrency: 64);
        }
        catch
        {
            Signal(workerPid, "CONT");
            throw;
        }
        var load = LoadAverage();
        var cpu = ProcessCpu.Seconds(workerPid);
        var serversCpu = servers.ToDictionary(s => s.Key, s => s.Value());
        var clock = Stopwatch.StartNew();
        Signal(workerPid, "CONT");
        while (await inbox.CountAfterAsync(baseline) < count && clock.Elapsed < timeout) await Task.Delay(100);
        var seconds = clock.Elapsed.TotalSeconds;
        var workerCpu = ProcessCpu.Seconds(workerPid) - cpu;
        var serverCpu = servers.ToDictionary(s => s.Key, s => s.Value() - serversCpu[s.Key]);
        var endLoad = LoadAverage();
        await Task.Delay(3000); // a second filing of any feedback would show up here
        var (rows, distinct) = await inbox.CountAsync([.. feedbacks.Select(f => f.FeedbackId)]);
        return new Run(count, published.TotalSeconds, distinct, rows, seconds, workerCpu, (load, endLoad), serverCpu);
    }

    static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {pid} exited with {kill.ExitCode}");
    }

    static double LoadAverage() => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}
