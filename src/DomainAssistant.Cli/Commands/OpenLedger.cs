using DomainAssistant.Storage.Lineage;
using DomainAssistant.Storage.PostgreSql;

namespace DomainAssistant.Cli.Commands;

/// <summary>A lineage ledger a command opened, where it lives (for messages), and the shared database it holds open, if any.</summary>
public sealed class OpenLedger(ILineageLedger ledger, string where, PostgresDatabase? database) : IAsyncDisposable
{
    public ILineageLedger Ledger { get; } = ledger;

    /// <summary>The SQLite file's full path, or "PostgreSQL host:port/database".</summary>
    public string Where { get; } = where;

    /// <summary>The scale-out stack's database the ledger lives in; null for a SQLite file.</summary>
    public PostgresDatabase? Database { get; } = database;

    public ValueTask DisposeAsync() => Database?.DisposeAsync() ?? ValueTask.CompletedTask;
}
