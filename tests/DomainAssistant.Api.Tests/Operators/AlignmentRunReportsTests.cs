using DomainAssistant.Api.Operator;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Contracts;
using DomainAssistant.Storage.Jobs;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Api.Tests.Operators;

/// <summary>An alignment run's progress notes become its job record: the stage with its step, total and time left.</summary>
public sealed class AlignmentRunReportsTests : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_job_shows_the_stage_of_the_latest_progress_note_and_a_note_without_one_keeps_it()
    {
        var store = new SqliteJobStore(_folder.Combine("jobs.db"));
        await using var provider = new ServiceCollection()
            .AddSingleton<IJobStore>(store)
            .AddSingleton(TimeProvider.System)
            .AddMassTransitTestHarness(bus => bus.AddConsumer<AlignmentRunReportsConsumer>())
            .BuildServiceProvider(validateScopes: true);
        var harness = provider.GetRequiredService<ITestHarness>();
        // Any() returns as soon as the message is consumed; the default 1.2 s of bus silence that ends its wait is too
        // short on CI's two busy cores (this test failed there once), so the wait is bounded by 30 s instead.
        harness.TestInactivityTimeout = TimeSpan.FromSeconds(30);
        await harness.Start();
        var jobId = Guid.NewGuid();

        await harness.Bus.Publish(new StartAlignmentRun(jobId, "tidewell-support", StartAlignmentRun.Rloo, "key:ops"));
        Assert.True(await harness.Consumed.Any<StartAlignmentRun>(m => m.Context.Message.JobId == jobId));
        await harness.Bus.Publish(new JobProgressed(jobId, "policy: step 3 of 8", "policy", 3, 8, 40, 0.5));
        Assert.True(await harness.Consumed.Any<JobProgressed>(m => m.Context.Message.JobId == jobId));

        var running = (await store.FindAsync(jobId, CancellationToken.None))!;
        Assert.Equal((JobStates.Running, 0.5, new JobStage("policy", 3, 8, 40)), (running.State, running.Progress, running.Stage));

        // A note without a stage keeps the last one.
        await harness.Bus.Publish(new JobProgressed(jobId, "writing the adapter"));
        Assert.True(await harness.Consumed.Any<JobProgressed>(m => m.Context.Message.Note == "writing the adapter"));
        Assert.Equal("policy", (await store.FindAsync(jobId, CancellationToken.None))!.Stage?.Name);
    }
}
