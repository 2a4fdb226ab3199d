using System.Security.Cryptography;
using System.Text.Json;
using DomainAssistant.Alignment.Feedback;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.Storage.Lineage;
using DomainAssistant.Storage.PostgreSql;
using DomainAssistant.Storage.Tests;
using DomainAssistant.Training.Tests.Support;
using static DomainAssistant.Alignment.Tests.Cli.CommandRunner;

namespace DomainAssistant.Alignment.Tests.Cli;

/// <summary>
/// The commands an operator runs against the scale-out stack (`--postgres`): they read what the API processes and the
/// worker keep in the shared PostgreSQL database, not the SQLite files of some data folder.
/// </summary>
public sealed class SharedDatabaseCommandTests
{
    [SkippableFact]
    public async Task Feedback_export_reads_the_votes_the_worker_filed_in_the_shared_database()
    {
        await using var scratch = await ScratchPostgres.CreateAsync();
        await using (var database = new PostgresDatabase(scratch.ConnectionString))
            await new PostgresFeedbackInbox(database).FileAsync(new FeedbackSubmitted(Guid.NewGuid(), Guid.NewGuid(), FeedbackRating.Up, "cited", [], "Q", [],
                "A", "m", null, null, null, "d", DateTimeOffset.UtcNow));
        using var work = new TempFolder();
        var output = Path.Combine(work.Path, "votes.jsonl");

        var result = await Run("feedback", "export", "--postgres", scratch.ConnectionString, "--out", output);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith("1 votes (sequence 1..1) from PostgreSQL ", result.Output, StringComparison.Ordinal);
        Assert.Equal("cited", Assert.Single(FeedbackFile.Read(output)).Reason);
    }

    [Fact]
    public async Task Feedback_export_without_a_data_folder_or_a_database_says_which_to_give()
    {
        using var work = new TempFolder();

        var result = await Run("feedback", "export", "--out", Path.Combine(work.Path, "votes.jsonl"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--data FOLDER", result.Error, StringComparison.Ordinal);
        Assert.Contains("--postgres CONNECTION", result.Error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Lineage_show_reads_the_shared_ledger()
    {
        await using var scratch = await ScratchPostgres.CreateAsync();
        var baseSha = Sha("base");
        var adapter = LineageRecord.Of(ArtifactKind.Adapter, Sha("adapter"), "/models/adapter", [new LineageLink(ArtifactKind.BaseModel, baseSha)], "da align kto",
            new Dictionary<string, string>());
        await using (var database = new PostgresDatabase(scratch.ConnectionString))
        {
            var ledger = new PostgresLineageLedger(database);
            await ledger.RecordAsync(LineageRecord.Of(ArtifactKind.BaseModel, baseSha, "/models/base", [], "da train base", new Dictionary<string, string>()));
            await ledger.RecordAsync(adapter);
        }

        var shown = await Run("lineage", "show", adapter.Id, "--postgres", scratch.ConnectionString, "--json");

        Assert.True(shown.ExitCode == 0, shown.Error);
        var chain = JsonDocument.Parse(shown.Output).RootElement.GetProperty("chain").EnumerateArray().Select(r => r.GetProperty("sha256").GetString());
        Assert.Equal([Sha("adapter"), baseSha], chain);
    }

    [Fact]
    public async Task An_unreachable_shared_database_is_one_line_naming_it()
    {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        var result = await Run("lineage", "show", new string('a', 16), "--postgres", "Host=127.0.0.1;Port=1;Username=x;Database=none;Timeout=2");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
