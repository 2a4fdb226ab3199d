using DomainAssistant.Alignment.Feedback;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.ServiceDefaults;
using DomainAssistant.Training.Tests.Support;

namespace DomainAssistant.Alignment.Tests.Feedback;

/// <summary>`da feedback export` over a real inbox file, as the host's consumer fills it.</summary>
public sealed class FeedbackExportTests
{
    [Fact]
    public async Task Filed_feedback_is_exported_in_filing_order_with_its_lineage()
    {
        using var data = new TempFolder();
        var inbox = new SqliteFeedbackInbox(new StorageOptions { DataDirectory = data.Path }.TrainingExamplesDatabase);
        var at = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        await inbox.FileAsync(Feedback("Q1", "A1 [1]", FeedbackRating.Up, at, "abc"));
        await inbox.FileAsync(Feedback("Q2", "A2", FeedbackRating.Down, at.AddMinutes(1), null));
        var output = Path.Combine(data.Path, "votes.jsonl");

        var result = await FeedbackExport.ExportAsync(data.Path, output);
        var votes = FeedbackFile.Read(output);

        Assert.Equal((2, 1L, 2L), (result.Votes, result.FirstSequence, result.LastSequence));
        Assert.Equal(["Q1", "Q2"], votes.Select(v => v.Prompt));
        Assert.Equal([true, false], votes.Select(v => v.IsUp));
        Assert.Equal("abc", votes[0].AdapterChecksum);
        Assert.Equal(["chunk-a", "chunk-b"], votes[0].RetrievedChunkIds);
        Assert.Equal(at, votes[0].At);
    }

    [Fact]
    public async Task The_rating_user_and_the_cited_chunk_ids_round_trip_through_the_export_and_the_reader()
    {
        using var data = new TempFolder();
        var inbox = new SqliteFeedbackInbox(new StorageOptions { DataDirectory = data.Path }.TrainingExamplesDatabase);
        var at = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        await inbox.FileAsync(Feedback("Q1", "A1 [2]", FeedbackRating.Up, at, null) with { User = "key:web", CitedChunkIds = ["chunk-b"] });
        // Anonymous, citing nothing: as votes filed before the host recorded either.
        await inbox.FileAsync(Feedback("Q2", "A2", FeedbackRating.Down, at.AddMinutes(1), null));
        var output = Path.Combine(data.Path, "votes.jsonl");

        await FeedbackExport.ExportAsync(data.Path, output);
        var lines = File.ReadAllLines(output);
        var votes = FeedbackFile.Read(output);

        Assert.Contains("\"user\":\"key:web\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"citations\":[\"chunk-b\"]", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("\"user\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"citations\":[]", lines[1], StringComparison.Ordinal);
        Assert.Equal(["key:web", null], votes.Select(v => v.User));
        Assert.Equal(["chunk-b"], votes[0].Citations);
        Assert.Empty(votes[1].Citations);

        // Written again from what was read, the file is the same byte for byte.
        var again = Path.Combine(data.Path, "again.jsonl");
        FeedbackFile.Write(again, votes);
        Assert.Equal(File.ReadAllBytes(output), File.ReadAllBytes(again));
    }

    [Fact]
    public async Task A_window_keeps_the_domains_newest_votes_in_filing_order_across_pages()
    {
        using var data = new TempFolder();
        var inbox = new SqliteFeedbackInbox(new StorageOptions { DataDirectory = data.Path }.TrainingExamplesDatabase);
        var at = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        // 1,200 votes, every third of another domain: more than two of the export's pages.
        var batch = Enumerable.Range(0, 1200).Select(i => Feedback($"Q{i}", $"A{i}", FeedbackRating.Up, at.AddSeconds(i), null)
            with { Domain = i % 3 == 2 ? "fernbrook" : "tidewell" }).ToList();
        await inbox.FileManyAsync(batch);
        var output = Path.Combine(data.Path, "votes.jsonl");

        var window = await FeedbackExport.ExportAsync(inbox, "inbox", output, "tidewell", newest: 100);
        var votes = FeedbackFile.Read(output);

        var expected = batch.Where(f => f.Domain == "tidewell").TakeLast(100).Select(f => f.Prompt).ToList();
        Assert.Equal(expected, votes.Select(v => v.Prompt));
        Assert.Equal((100, votes[0].Sequence, votes[^1].Sequence), (window.Votes, window.FirstSequence, window.LastSequence));
        Assert.Equal(1199L, window.LastSequence); // Q1198, the domain's last, filed 1,199th

        // A window wider than the domain's votes keeps them all.
        var all = await FeedbackExport.ExportAsync(inbox, "inbox", output, "tidewell", newest: 5000);
        Assert.Equal(800, all.Votes);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => FeedbackExport.ExportAsync(inbox, "inbox", output, "tidewell", newest: 0));
    }

    [Fact]
    public async Task A_folder_without_filed_feedback_is_an_error_not_an_empty_file()
    {
        using var data = new TempFolder();

        await Assert.ThrowsAsync<FileNotFoundException>(() => FeedbackExport.ExportAsync(data.Path, Path.Combine(data.Path, "votes.jsonl")));
    }

    static FeedbackSubmitted Feedback(string prompt, string response, string rating, DateTimeOffset at, string? checksum) =>
        new(Guid.NewGuid(), Guid.NewGuid(), rating, null, [], prompt, ["chunk-a", "chunk-b"], response, "tidewell", checksum is null ? null : "sft", checksum, null, "tidewell", at);
}
