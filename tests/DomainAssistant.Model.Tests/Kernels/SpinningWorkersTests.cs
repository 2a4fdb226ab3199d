using System.Diagnostics;
using DomainAssistant.Model.Kernels;

namespace DomainAssistant.Model.Tests.Kernels;

public class SpinningWorkersTests
{
    static void SpinFor(double microseconds)
    {
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start).TotalMicroseconds < microseconds) Thread.SpinWait(10);
    }

    static int[] RunCounting(int parts, int threads)
    {
        var runs = new int[parts];
        SpinningWorkers.Shared.Run(parts, threads, part => Interlocked.Increment(ref runs[part]));
        return runs;
    }

    [Fact]
    public void Runs_every_part_exactly_once_call_after_call()
    {
        for (int call = 0; call < 2_000; call++)
        {
            int parts = 1 + call % 17;
            Assert.All(RunCounting(parts, threads: 2), count => Assert.Equal(1, count));
        }
    }

    [Fact]
    public void Wakes_helpers_that_went_to_sleep_between_calls()
    {
        for (int call = 0; call < 20; call++)
        {
            Thread.Sleep(3); // far past the helpers' spin: they are asleep when the next call comes
            Assert.All(RunCounting(4, threads: 2), count => Assert.Equal(1, count));
        }
    }

    [Fact]
    public void A_failing_part_fails_the_call_and_leaves_the_workers_usable()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            SpinningWorkers.Shared.Run(4, 2, part =>
            {
                if (part == 3) throw new InvalidOperationException("part 3 failed");
            }));
        Assert.Equal("part 3 failed", error.Message);
        Assert.All(RunCounting(4, threads: 2), count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Concurrent_callers_each_get_all_their_parts()
    {
        var callers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int call = 0; call < 300; call++)
                Assert.All(RunCounting(8, threads: 2), count => Assert.Equal(1, count));
        }));
        await Task.WhenAll(callers);
    }

    [Fact]
    public void A_helper_thread_takes_parts()
    {
        if (Environment.ProcessorCount < 2) return; // no helpers on one core: the caller runs every part
        int byHelpers = 0;
        for (int call = 0; call < 200 && byHelpers == 0; call++)
            SpinningWorkers.Shared.Run(2, 2, _ =>
            {
                if (Thread.CurrentThread.Name?.StartsWith("kernel helper", StringComparison.Ordinal) == true) Interlocked.Increment(ref byHelpers);
                SpinFor(200);
            });
        Assert.True(byHelpers > 0, "in 200 calls of two 200 us parts no helper thread ran a part");
    }
}
