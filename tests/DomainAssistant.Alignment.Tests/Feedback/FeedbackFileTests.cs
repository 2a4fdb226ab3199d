using DomainAssistant.Alignment.Feedback;
using DomainAssistant.Training.Tests.Support;

namespace DomainAssistant.Alignment.Tests.Feedback;

/// <summary>The feedback file: what a line must hold, what it may hold, and how a bad line is reported.</summary>
public sealed class FeedbackFileTests
{
    [Fact]
    public void Reads_required_and_optional_fields_and_ignores_unknown_ones()
    {
        using var folder = new TempFolder();
        var path = folder.File("votes.jsonl", """
            {"prompt": "Where is my parcel?", "response": "It left today [1].", "rating": "up", "reason": "clear", "tags": ["fast"], "user": "u1", "adapter_checksum": "abc", "citations": ["k2"], "extra": {"nested": true}}

            {"prompt": "Refund?", "response": "No.", "rating": "down"}
            """);

        var votes = FeedbackFile.Read(path);

        Assert.Equal(2, votes.Count);
        Assert.True(votes[0].IsUp);
        Assert.Equal(("clear", "u1", "abc", 1), (votes[0].Reason, votes[0].User, votes[0].AdapterChecksum, votes[0].Line));
        Assert.Equal(["fast"], votes[0].Tags);
        Assert.Equal(["k2"], votes[0].Citations);
        // Optional: a file from another tool, or exported before the host kept them, has no citations.
        Assert.Empty(votes[1].Citations);
        Assert.Null(votes[1].User);
        Assert.False(votes[1].IsUp);
        Assert.Equal(3, votes[1].Line);
    }

    [Theory]
    [InlineData("{\"prompt\": \"p\", \"response\": \"r\", \"rating\": \"meh\"}", "rating must be")]
    [InlineData("{\"prompt\": \"p\", \"rating\": \"up\"}", "missing \"response\"")]
    [InlineData("{\"prompt\": \"\", \"response\": \"r\", \"rating\": \"up\"}", "missing or empty \"prompt\"")]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("{\"prompt\": \"p\", \"response\": \"r\", \"rating\": \"up\", \"tags\": \"x\"}", "\"tags\" must be an array")]
    [InlineData("{\"prompt\": \"p\", \"response\": \"r\", \"rating\": \"up\", \"citations\": [1]}", "\"citations\" must be an array")]
    [InlineData("{\"prompt\": \"p\", \"response\": \"r\"", "not JSON")]
    public void A_bad_line_fails_the_file_naming_file_and_line(string badLine, string problem)
    {
        using var folder = new TempFolder();
        var good = "{\"prompt\": \"p\", \"response\": \"r\", \"rating\": \"up\"}";
        var path = folder.File("votes.jsonl", string.Join('\n', good, good, badLine, good));

        var error = Assert.Throws<InvalidDataException>(() => FeedbackFile.Read(path));

        Assert.StartsWith($"{path}:3: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void What_is_written_reads_back_the_same()
    {
        using var folder = new TempFolder();
        var vote = new FeedbackVote
        {
            Prompt = "<|im_start|>user\nQ \"quoted\" é<|im_end|>\n", Response = "A [2]", IsUp = false, Reason = "wrong", Tags = ["wrong", "no-citation"],
            User = "u", AdapterChecksum = "c", Adapter = "sft", Variant = "b", MessageId = "m", FeedbackId = "f", Sequence = 42,
            At = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), RetrievedChunkIds = ["k1", "k2"],
            Citations = ["k2"],
        };
        var path = Path.Combine(folder.Path, "out", "votes.jsonl");

        FeedbackFile.Write(path, [vote]);
        var back = Assert.Single(FeedbackFile.Read(path));

        Assert.Equal(vote with { Tags = back.Tags, RetrievedChunkIds = back.RetrievedChunkIds, Citations = back.Citations, Line = 1 }, back);
        Assert.Equal(vote.Tags, back.Tags);
        Assert.Equal(vote.RetrievedChunkIds, back.RetrievedChunkIds);
        Assert.Equal(vote.Citations, back.Citations);
    }

    [Fact]
    public async Task A_stream_of_votes_that_fails_on_the_way_leaves_the_file_as_it_was()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "votes.jsonl");
        FeedbackFile.Write(path, [new FeedbackVote { Prompt = "before", Response = "A", IsUp = true }]);

        await Assert.ThrowsAsync<IOException>(() => FeedbackFile.WriteAsync(path, FailingAfterTwo()));

        Assert.Equal(["before"], FeedbackFile.Read(path).Select(v => v.Prompt));
        Assert.Equal([path], Directory.GetFiles(folder.Path)); // no partial file left beside it
        // Streamed to the end, the votes replace it.
        await FeedbackFile.WriteAsync(path, Two());
        Assert.Equal(["Q0", "Q1"], FeedbackFile.Read(path).Select(v => v.Prompt));
    }

    static async IAsyncEnumerable<FeedbackVote> Two()
    {
        for (var i = 0; i < 2; i++)
        {
            await Task.Yield();
            yield return new FeedbackVote { Prompt = $"Q{i}", Response = "A", IsUp = i == 0 };
        }
    }

    static async IAsyncEnumerable<FeedbackVote> FailingAfterTwo()
    {
        await foreach (var vote in Two()) yield return vote;
        throw new IOException("the store went away mid-export");
    }
}
