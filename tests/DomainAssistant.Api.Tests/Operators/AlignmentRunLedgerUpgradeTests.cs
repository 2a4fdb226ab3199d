using DomainAssistant.Contracts;
using DomainAssistant.Jobs.Alignment;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Api.Tests.Operators;

/// <summary>A ledger written before runs recorded their adapter's checksum still opens, keeps its runs, and records new ones with it.</summary>
public sealed class AlignmentRunLedgerUpgradeTests : IDisposable
{
    readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("da-ledger-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task An_old_ledger_gains_the_checksum_column_and_keeps_its_runs()
    {
        var path = Path.Combine(_folder.FullName, SqliteAlignmentRunLedger.FileName);
        var old = Guid.NewGuid();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                CREATE TABLE alignment_runs (
                    id TEXT PRIMARY KEY, domain TEXT NOT NULL, method TEXT NOT NULL, state TEXT NOT NULL, requested_by TEXT NOT NULL,
                    feedback_through INTEGER, published INTEGER NOT NULL, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT,
                    verdict TEXT, adapter TEXT, error TEXT);
                INSERT INTO alignment_runs (id, domain, method, state, requested_by, published, created_at, verdict, adapter)
                VALUES ('{old:D}', 'tidewell-support', 'rloo', 'succeeded', 'trigger', 1, '2026-12-01T10:00:00.0000000+00:00', 'pass', '/runs/old/adapter');
                """;
            command.ExecuteNonQuery();
        }

        var ledger = new SqliteAlignmentRunLedger(path);
        var kept = await ledger.FindAsync(old, CancellationToken.None);
        Assert.Equal(("succeeded", "pass", "/runs/old/adapter", (string?)null), (kept!.State, kept.Verdict, kept.Adapter, kept.AdapterSha256));

        var start = new StartAlignmentRun(Guid.NewGuid(), "tidewell-support", "kto", "operator");
        await ledger.QueueAsync(start, CancellationToken.None);
        await ledger.StartAsync(start, DateTimeOffset.UtcNow, CancellationToken.None);
        await ledger.SucceedAsync(start.JobId, "fail", "/runs/new/adapter", "ab12", DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal("ab12", (await ledger.FindAsync(start.JobId, CancellationToken.None))!.AdapterSha256);
    }
}
