using DomainAssistant.Feedback.Tests.Support;
using DomainAssistant.Feedback.Validation;

namespace DomainAssistant.Feedback.Tests.Validation;

public class FeedbackRulesTests
{
    [Theory]
    [InlineData("Up")]
    [InlineData("thumbs-up")]
    [InlineData("")]
    [InlineData("down ")]
    public void Refuses_any_rating_but_up_or_down(string rating)
    {
        var feedback = FeedbackSamples.Valid(1) with { Rating = rating };

        var error = Assert.Throws<InvalidFeedbackException>(() => FeedbackRules.Validate(feedback));

        Assert.Contains($"rating must be \"up\" or \"down\" (got \"{rating}\")", error.Message);
        Assert.Contains(feedback.FeedbackId.ToString(), error.Message);
    }

    [Fact]
    public void Refuses_a_NUL_character_in_any_text_naming_each_field()
    {
        var feedback = FeedbackSamples.Valid(1) with { Reason = "fine\0", Response = "\0", Tags = ["ok", "b\0d"], User = "u\0" };

        var error = Assert.Throws<InvalidFeedbackException>(() => FeedbackRules.Validate(feedback));

        foreach (var field in new[] { "reason", "response", "tags", "user" })
            Assert.Contains($"{field} must not contain the NUL character (U+0000)", error.Message);
        Assert.DoesNotContain("prompt must not contain", error.Message);
    }

    [Fact]
    public void Accepts_both_ratings_with_and_without_optional_lineage()
    {
        for (var n = 0; n < 20; n++) FeedbackRules.Validate(FeedbackSamples.Valid(n));
    }

    [Fact]
    public void Names_every_broken_rule_at_once()
    {
        var feedback = FeedbackSamples.Valid(1) with
        {
            MessageId = Guid.Empty,
            Rating = "meh",
            Prompt = " ",
            Tags = ["ok", ""],
            Adapter = "domain-v3",
            AdapterChecksum = null,
            Reason = new string('x', FeedbackRules.MaxReasonLength + 1),
        };

        var error = Assert.Throws<InvalidFeedbackException>(() => FeedbackRules.Validate(feedback));

        Assert.Equal(6, error.Problems.Count);
        Assert.Contains("message id must not be empty", error.Message);
        Assert.Contains("prompt must not be empty", error.Message);
        Assert.Contains("tags must not contain blank entries", error.Message);
        Assert.Contains("adapter checksum is required when an adapter (\"domain-v3\") served the message", error.Message);
        Assert.Contains($"reason must be at most {FeedbackRules.MaxReasonLength} characters", error.Message);
    }

    [Fact]
    public void Refuses_missing_lists_and_an_unset_time()
    {
        var feedback = FeedbackSamples.Valid(2) with { Tags = null!, RetrievedChunkIds = null!, At = default };

        var problems = FeedbackRules.Check(feedback);

        Assert.Equal(
            ["tags must be a list (empty when there are none)", "retrieved chunk ids must be a list (empty when there are none)",
             "time of the feedback must be set"],
            problems);
    }

    [Fact]
    public void Refuses_a_tag_longer_than_the_limit()
    {
        var feedback = FeedbackSamples.Valid(3) with { Tags = ["ok", new string('t', FeedbackRules.MaxTagLength + 1)] };

        var problems = FeedbackRules.Check(feedback);

        Assert.Equal([$"each tag must be at most {FeedbackRules.MaxTagLength} characters (got one of {FeedbackRules.MaxTagLength + 1})"], problems);
    }

    [Fact]
    public void Accepts_feedback_without_a_user_or_citations_as_older_feedback_has()
    {
        FeedbackRules.Validate(FeedbackSamples.Valid(4) with { User = null, CitedChunkIds = [] });
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("")]
    [InlineData(null)]
    public void Refuses_a_blank_or_overlong_user_and_blank_cited_chunk_ids(string? blank)
    {
        var feedback = FeedbackSamples.Valid(2) with { User = blank ?? new string('u', FeedbackRules.MaxUserLength + 1), CitedChunkIds = ["doc-1#0", " "] };

        var problems = FeedbackRules.Check(feedback);

        Assert.Contains(problems, p => p.StartsWith("user must be null or a non-blank id", StringComparison.Ordinal));
        Assert.Contains("cited chunk ids must not contain blank entries", problems);
    }
}
