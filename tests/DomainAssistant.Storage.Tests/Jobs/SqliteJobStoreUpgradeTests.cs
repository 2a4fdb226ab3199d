using DomainAssistant.Storage.Jobs;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Storage.Tests.Jobs;

/// <summary>A jobs.db written by an older release, opened by this one (SQLite only: PostgreSQL tables come from versioned migrations).</summary>
public sealed class SqliteJobStoreUpgradeTests : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    static JobRecord Job(Guid id, string state = JobStates.Running) =>
        new(id, "alignment-run", "tidewell-support", null, state, 0.4, "policy: step 3 of 8", 0, 0, 0, DateTimeOffset.UnixEpoch, null, null, null, "key:ops");

    [Fact]
    public async Task A_jobs_file_from_before_stages_gains_the_column_and_keeps_its_rows()
    {
        var path = Path.Combine(_folder.Path, "jobs.db");
        var old = Guid.NewGuid();
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                CREATE TABLE jobs (
                    id TEXT PRIMARY KEY, kind TEXT NOT NULL, domain TEXT NOT NULL, version INTEGER, state TEXT NOT NULL,
                    progress REAL NOT NULL, message TEXT NOT NULL, documents_done INTEGER NOT NULL, documents_total INTEGER NOT NULL,
                    chunks_done INTEGER NOT NULL, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, error TEXT, requested_by TEXT);
                INSERT INTO jobs VALUES ('{old:D}', 'corpus-ingestion', 'tidewell-support', 2, 'succeeded', 1, 'indexed 3 documents', 3, 3, 12,
                    '2026-12-01T10:00:00.0000000+00:00', NULL, NULL, NULL, 'team');
                """;
            await command.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();

        var store = new SqliteJobStore(path);
        var kept = await store.FindAsync(old, CancellationToken.None);
        await store.SaveAsync(Job(Guid.NewGuid()) with { Stage = new JobStage("gate", null, null, null) }, CancellationToken.None);

        Assert.NotNull(kept);
        Assert.Equal(("corpus-ingestion", 2, "indexed 3 documents", 12), (kept.Kind, kept.Version, kept.Message, kept.ChunksDone));
        Assert.Null(kept.Stage);
        Assert.Equal(2L, await store.CountAsync(CancellationToken.None));
    }
}
