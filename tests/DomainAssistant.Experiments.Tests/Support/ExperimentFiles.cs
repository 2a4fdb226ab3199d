using DomainAssistant.Experiments.Storage;

namespace DomainAssistant.Experiments.Tests.Support;

/// <summary>A real experiments SQLite file in a temp folder, its store and records, reopenable as after a restart.</summary>
public sealed class ExperimentFiles : IDisposable
{
    readonly TempDirectory _folder = new();

    public ExperimentFiles(TimeProvider? clock = null)
    {
        Clock = clock ?? new ManualClock();
        Open();
    }

    public TimeProvider Clock { get; }

    public string DatabasePath => _folder.File("data/experiments.db");

    public SqliteExperimentStore Store { get; private set; } = null!;

    public SqliteExperimentRecords Records { get; private set; } = null!;

    /// <summary>New objects over the same file, as a new process would have.</summary>
    public void Reopen()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Open();
    }

    void Open()
    {
        var database = new ExperimentDatabase(DatabasePath);
        Store = new SqliteExperimentStore(database, Clock);
        Records = new SqliteExperimentRecords(database);
    }

    public static ExperimentDraft Draft(string domain = "tidewell-support", double percent = 10, IReadOnlyList<double>? ramp = null) =>
        new("reader v2 against v1", domain, "sft", "rl-2", percent, ramp);

    public void Dispose() => _folder.Dispose();
}
