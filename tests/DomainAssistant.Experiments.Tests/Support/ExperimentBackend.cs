using System.Data.Common;

namespace DomainAssistant.Experiments.Tests.Support;

/// <summary>
/// The experiments as one engine keeps them: a store and records over one database, more of them as other processes
/// would open, and SQL sent around the store, for facts about what the database itself refuses.
/// </summary>
/// <param name="clock">The clock every store opened here reads.</param>
/// <param name="open">New store and records over the same database.</param>
/// <param name="execute">Runs one statement on the database directly.</param>
/// <param name="auditTable">The audit log's table on this engine.</param>
public sealed class ExperimentBackend(ManualClock clock, Func<TimeProvider, (IExperimentStore Store, IExperimentRecords Records)> open,
    Func<string, Task> execute, string auditTable)
{
    (IExperimentStore Store, IExperimentRecords Records) _current = open(clock);

    public ManualClock Clock { get; } = clock;

    public IExperimentStore Store => _current.Store;

    public IExperimentRecords Records => _current.Records;

    public string AuditTable { get; } = auditTable;

    /// <summary>New objects over the same database, as after a restart.</summary>
    public void Reopen() => _current = open(Clock);

    /// <summary>A store of another process on the same database.</summary>
    public IExperimentStore AnotherProcess() => open(Clock).Store;

    /// <summary>Runs <paramref name="sql"/> directly; what the database refuses surfaces as its <see cref="DbException"/>.</summary>
    public Task ExecuteAsync(string sql) => execute(sql);
}
