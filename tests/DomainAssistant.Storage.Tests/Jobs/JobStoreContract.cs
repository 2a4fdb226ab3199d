using DomainAssistant.Storage.Jobs;

namespace DomainAssistant.Storage.Tests.Jobs;

/// <summary>
/// What every <see cref="IJobStore"/> does, run against each implementation (SQLite for the embedded mode, PostgreSQL
/// for scale-out) by the classes below.
/// </summary>
public abstract class JobStoreContract : StoreContract<IJobStore>
{
    static readonly DateTimeOffset Queued = new(2026, 12, 6, 10, 0, 0, 250, TimeSpan.FromHours(1));

    static JobRecord Job(Guid id, string state = JobStates.Running, int minutes = 0) =>
        new(id, "alignment-run", "tidewell-support", null, state, 0.4, "policy: step 3 of 8", 0, 0, 0, Queued.AddMinutes(minutes), null, null, null, "key:ops");

    [SkippableFact]
    public async Task A_saved_job_is_found_field_for_field()
    {
        var job = Job(Guid.NewGuid(), JobStates.Failed) with
        {
            Kind = "corpus-ingestion", Version = 3, Progress = 0.75, Message = "indexed 3 of 4 documents – «ü»", DocumentsDone = 3,
            DocumentsTotal = 4, ChunksDone = 17, StartedAt = Queued.AddSeconds(2), FinishedAt = Queued.AddSeconds(9), Error = "disk full",
        };

        await Store.SaveAsync(job, CancellationToken.None);
        var found = await Store.FindAsync(job.Id, CancellationToken.None);

        Assert.NotNull(found);
        // Times are compared as instants: PostgreSQL hands them back in UTC.
        Assert.Equal(job with { CreatedAt = default, StartedAt = null, FinishedAt = null },
            found with { CreatedAt = default, StartedAt = null, FinishedAt = null });
        Assert.Equal((job.CreatedAt, job.StartedAt, job.FinishedAt), (found.CreatedAt, found.StartedAt, found.FinishedAt));
        Assert.Null(await Store.FindAsync(Guid.NewGuid(), CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_jobs_stage_is_stored_and_read_back_and_a_job_without_one_reads_null()
    {
        var staged = Job(Guid.NewGuid()) with { Stage = new JobStage("policy", 3, 8, 42.5) };
        var plain = Job(Guid.NewGuid());

        await Store.SaveAsync(staged, CancellationToken.None);
        await Store.SaveAsync(plain, CancellationToken.None);

        Assert.Equal(new JobStage("policy", 3, 8, 42.5), (await Store.FindAsync(staged.Id, CancellationToken.None))!.Stage);
        Assert.Null((await Store.FindAsync(plain.Id, CancellationToken.None))!.Stage);
    }

    [SkippableFact]
    public async Task Saving_a_job_again_replaces_it()
    {
        var job = Job(Guid.NewGuid()) with { Stage = new JobStage("gate", null, null, null) };
        await Store.SaveAsync(job, CancellationToken.None);

        await Store.SaveAsync(job with { State = JobStates.Succeeded, Progress = 1, Message = "done", Stage = null, FinishedAt = Queued.AddHours(1) }, CancellationToken.None);

        var found = (await Store.FindAsync(job.Id, CancellationToken.None))!;
        Assert.Equal((JobStates.Succeeded, 1.0, "done", null), (found.State, found.Progress, found.Message, found.Stage));
        Assert.Equal(Queued.AddHours(1), found.FinishedAt);
        Assert.Equal(1L, await Store.CountAsync(CancellationToken.None));
    }

    [SkippableFact]
    public async Task Unfinished_jobs_are_listed_oldest_first_and_finished_ones_left_out()
    {
        var late = Job(Guid.NewGuid(), JobStates.Queued, minutes: 5);
        var early = Job(Guid.NewGuid(), JobStates.Running, minutes: 1);
        await Store.SaveAsync(late, CancellationToken.None);
        await Store.SaveAsync(Job(Guid.NewGuid(), JobStates.Succeeded), CancellationToken.None);
        await Store.SaveAsync(early, CancellationToken.None);
        await Store.SaveAsync(Job(Guid.NewGuid(), JobStates.Failed, minutes: 3), CancellationToken.None);

        var unfinished = await Store.ListUnfinishedAsync(CancellationToken.None);

        Assert.Equal([early.Id, late.Id], unfinished.Select(j => j.Id));
        Assert.Equal(4L, await Store.CountAsync(CancellationToken.None));
    }
}

public sealed class SqliteJobStoreTests : JobStoreContract
{
    protected override Task<StoreLease<IJobStore>> OpenAsync() => StoreBackends.Sqlite<IJobStore>(folder => new SqliteJobStore(Path.Combine(folder, "jobs.db")));
}

public sealed class PostgresJobStoreTests : JobStoreContract
{
    protected override Task<StoreLease<IJobStore>> OpenAsync() => StoreBackends.Postgres<IJobStore>(database => new PostgresJobStore(database));
}
