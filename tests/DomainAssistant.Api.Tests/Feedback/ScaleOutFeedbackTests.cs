using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.Feedback.Recording;
using DomainAssistant.Jobs.Alignment;
using DomainAssistant.Storage.Jobs;
using DomainAssistant.Storage.Lineage;
using DomainAssistant.Storage.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Api.Tests.Feedback;

/// <summary>
/// With <c>Storage:Database=PostgreSql</c> the feedback path, the jobs, the alignment-run ledger and the lineage ledger keep their records
/// in the shared database: a feedback given through the API is recorded and filed there, and none of their SQLite
/// files appears in the data directory.
/// </summary>
public sealed class ScaleOutFeedbackTests
{
    [SkippableFact]
    public async Task Feedback_is_recorded_and_filed_in_the_shared_database_and_no_sqlite_file_of_theirs_is_written()
    {
        await using var database = await ScratchPostgres.CreateAsync();
        using var host = new AssistantHost(new Dictionary<string, string?>
        {
            ["Storage:Database"] = "PostgreSql",
            ["Storage:PostgreSqlConnection"] = database.ConnectionString,
        });
        var client = await host.ReadyClientAsync();
        var (_, done, _) = await client.ChatAsync("Where do batteries go?");

        using var response = await client.PostAsJsonAsync("/api/feedback", new { messageId = done.GetProperty("messageId").GetGuid(), rating = "up" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var feedbackId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("feedbackId").GetGuid();

        var store = host.Services.GetRequiredService<IFeedbackStore>();
        var inbox = host.Services.GetRequiredService<IFeedbackInbox>();
        Assert.IsType<PostgresFeedbackStore>(store);
        Assert.IsType<PostgresFeedbackInbox>(Assert.IsType<GroupCommitInbox>(inbox).Underneath);
        Assert.IsType<PostgresJobStore>(host.Services.GetRequiredService<IJobStore>());
        Assert.IsType<PostgresAlignmentRunLedger>(host.Services.GetRequiredService<IAlignmentRunLedger>());
        Assert.IsType<PostgresLineageLedger>(host.Services.GetRequiredService<ILineageLedger>());
        Assert.Equal(AssistantHost.Domain, (await store.FindAsync(feedbackId))!.Feedback.Domain);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); (await inbox.ReadAsync(0, 100)).All(f => f.Feedback.FeedbackId != feedbackId); await Task.Delay(50))
            Assert.True(DateTime.UtcNow < deadline, "the feedback was not filed in time");
        for (var deadline = DateTime.UtcNow.AddSeconds(30); (await store.FindAsync(feedbackId))!.IsPending; await Task.Delay(50))
            Assert.True(DateTime.UtcNow < deadline, "the feedback was not marked published in time");

        foreach (var file in new[] { "feedback.db", "training-examples.db", "jobs.db", SqliteAlignmentRunLedger.FileName, "conversations.db", SqliteLineageLedger.FileName })
            Assert.False(File.Exists(Path.Combine(host.DataDirectory, file)), $"{file} was written in the scale-out mode");
    }
}
