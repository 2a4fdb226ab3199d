using DomainAssistant.Experiments.Tests.Support;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Experiments.Tests.Storage;

/// <summary>What only the embedded mode's experiments file does (PostgreSQL's versions are the migrator's, tested with it).</summary>
public sealed class SqliteExperimentFileTests : IDisposable
{
    readonly ExperimentFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_file_from_a_newer_release_is_refused_rather_than_misread()
    {
        await _files.Store.CreateAsync(ExperimentFiles.Draft(), "key:ops");
        await using (var connection = new SqliteConnection($"Data Source={_files.DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            await command.ExecuteNonQueryAsync();
        }

        _files.Reopen();

        await Assert.ThrowsAsync<InvalidDataException>(() => _files.Store.ListAsync());
    }
}
