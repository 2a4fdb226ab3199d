using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Jobs.Alignment;
using Microsoft.Extensions.DependencyInjection;
using static DomainAssistant.Api.Tests.Operators.AlignmentRunCalls;

namespace DomainAssistant.Api.Tests.Operators;

/// <summary>
/// The trigger: N feedbacks of a domain filed since its last run start one run, once, whatever arrives together, and
/// the count survives a restart. The runs it starts here fail at once (the votes are fewer than the run needs): what
/// is tested is that they start, not what they train.
/// </summary>
public sealed class AlignmentTriggerTests : IDisposable
{
    const int Threshold = 4;
    readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    AssistantHost Host()
    {
        var settings = FastRuns(runAfterFeedbacks: Threshold, minVotes: 100);
        settings["Storage:DataDirectory"] = _data.Path;
        return new AssistantHost(settings);
    }

    [Fact]
    public async Task N_filed_feedbacks_start_one_run_the_count_survives_a_restart_and_votes_filed_together_start_one()
    {
        using (var first = Host())
        {
            await first.ReadyClientAsync();
            await FileVotesAsync(first, prompts: 3, both: false);
            await Task.Delay(500);
            Assert.Empty(await Runs(first));
        }

        using var second = Host();
        var client = await second.ReadyClientAsync();
        await FileVotesAsync(second, prompts: 1, both: false, first: 3);
        var run = Assert.Single(await WaitForRunsAsync(second, 1));
        Assert.Equal((AlignmentTrigger.RequestedBy, "rloo", 4L), (run.RequestedBy, run.Method, run.FeedbackThrough));
        var job = (await FollowAsync(client, run.Id, TimeSpan.FromMinutes(2)))[^1];
        Assert.Equal(("alignment-run", "failed"), (job.GetProperty("kind").GetString(), job.GetProperty("state").GetString()));
        Assert.Contains("at least 100 are needed", job.GetProperty("error").GetString(), StringComparison.Ordinal);

        // Six votes filed at once, more than the threshold: one run (fewer than the threshold are left after it).
        await FileVotesAsync(second, prompts: 3, both: true, first: 10);
        var runs = await WaitForRunsAsync(second, 2);
        await Task.Delay(1000);
        runs = await Runs(second);
        Assert.Equal(2, runs.Count);
        Assert.True(runs[1].FeedbackThrough is >= 8 and <= 10, $"the second run covers the votes filed together (through {runs[1].FeedbackThrough})");
    }

    static async Task<IReadOnlyList<AlignmentRunEntry>> Runs(AssistantHost host) =>
        await host.Services.GetRequiredService<IAlignmentRunLedger>().ForDomainAsync(AssistantHost.Domain, CancellationToken.None);

    static async Task<IReadOnlyList<AlignmentRunEntry>> WaitForRunsAsync(AssistantHost host, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var runs = await Runs(host);
            if (runs.Count >= count) return runs;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{runs.Count} runs started, {count} expected");
            await Task.Delay(100);
        }
    }
}
