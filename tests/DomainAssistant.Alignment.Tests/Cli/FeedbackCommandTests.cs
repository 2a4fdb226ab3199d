using DomainAssistant.Alignment.Feedback;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.ServiceDefaults;
using DomainAssistant.Training.Tests.Support;
using static DomainAssistant.Alignment.Tests.Cli.CommandRunner;

namespace DomainAssistant.Alignment.Tests.Cli;

/// <summary>`da feedback export` over a data directory as the host leaves it.</summary>
public sealed class FeedbackCommandTests
{
    [Fact]
    public async Task Export_writes_the_filed_votes_and_says_how_many()
    {
        using var data = new TempFolder();
        var inbox = new SqliteFeedbackInbox(new StorageOptions { DataDirectory = data.Path }.TrainingExamplesDatabase);
        await inbox.FileAsync(new FeedbackSubmitted(Guid.NewGuid(), Guid.NewGuid(), FeedbackRating.Down, "wrong", ["wrong"], "Q", [], "A", "m", null, null, null, "d", DateTimeOffset.UtcNow));
        var output = Path.Combine(data.Path, "votes.jsonl");

        var result = await Run("feedback", "export", "--data", data.Path, "--out", output);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith("1 votes (sequence 1..1)", result.Output, StringComparison.Ordinal);
        Assert.Equal("wrong", Assert.Single(FeedbackFile.Read(output)).Reason);
    }

    [Fact]
    public async Task Export_from_a_folder_without_feedback_fails_with_one_line()
    {
        using var data = new TempFolder();

        var result = await Run("feedback", "export", "--data", data.Path, "--out", Path.Combine(data.Path, "votes.jsonl"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no filed feedback", result.Error, StringComparison.Ordinal);
    }
}
