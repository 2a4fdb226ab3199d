using System.CommandLine;
using DomainAssistant.ServiceDefaults;
using DomainAssistant.Storage.Lineage;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// `--ledger FILE`, the lineage ledger a command records what it made into (default: the hosts' default data folder's
/// lineage.db, so the command line and a host started in the same folder share one ledger); with `--postgres` (or the
/// scale-out environment, <see cref="SharedDatabaseOption"/>) the ledger the scale-out stack keeps in PostgreSQL.
/// </summary>
public sealed class LedgerOption
{
    public Option<string> Option { get; } = new("--ledger")
    {
        Description = "Lineage ledger (SQLite) to record into and read from (default: .data/lineage.db, the hosts' Storage:DataDirectory default).",
        DefaultValueFactory = _ => new StorageOptions().LineageDatabase,
    };

    public SharedDatabaseOption Shared { get; } = new();

    /// <summary>The ledger the command names, and how to name it in messages (its file, or the shared database).</summary>
    public OpenLedger Open(ParseResult parse) => Open(parse, parse.GetRequiredValue(Option));

    /// <summary>The shared database's ledger when the command has one, else the SQLite ledger at <paramref name="sqlitePath"/>.</summary>
    public OpenLedger Open(ParseResult parse, string sqlitePath)
    {
        if (Shared.Open(parse) is { } database) return new OpenLedger(new PostgresLineageLedger(database), $"PostgreSQL {database.Name}", database);
        return new OpenLedger(new SqliteLineageLedger(sqlitePath), Path.GetFullPath(sqlitePath), null);
    }

    /// <summary>
    /// Records the lineage.json of <paramref name="folder"/> (what the trainer just wrote) and names its id on stderr. A
    /// ledger that cannot be written is a warning, not a failure: the artifact and its lineage.json are already on disk
    /// and can be recorded later.
    /// </summary>
    public Task RecordFolderAsync(ParseResult parse, string folder) => RecordAsync(parse, LineageRecord.Read(folder));

    public async Task RecordAsync(ParseResult parse, LineageRecord record)
    {
        var error = parse.InvocationConfiguration.Error;
        await using var ledger = Open(parse);
        try
        {
            var stored = await ledger.Ledger.RecordAsync(record, CancellationToken.None);
            await error.WriteLineAsync($"lineage: {stored.Kind.Name()} {stored.Id} recorded in {ledger.Where}");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"warning: {record.Kind.Name()} {record.Id} not recorded in the lineage ledger {ledger.Where}: {e.Message}");
        }
    }
}
