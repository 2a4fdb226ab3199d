using System.Text.Json;
using DomainAssistant.Contracts;

namespace DomainAssistant.Feedback.Tests.Support;

/// <summary>Valid feedback with varied lineage (null and set optional fields, empty and full lists, non-ASCII text).</summary>
public static class FeedbackSamples
{
    static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 30, 0, TimeSpan.FromHours(2));

    public static FeedbackSubmitted Valid(int n) => new(
        FeedbackId: Guid.NewGuid(),
        MessageId: Guid.NewGuid(),
        Rating: n % 2 == 0 ? FeedbackRating.Up : FeedbackRating.Down,
        Reason: n % 3 == 0 ? null : $"answer {n} missed the point – «cité» 🙂",
        Tags: n % 2 == 0 ? [] : ["wrong", $"tag-{n}"],
        Prompt: $"<|user|>\nquestion {n}: why is the sky blue?\n<|assistant|>\n",
        RetrievedChunkIds: n % 4 == 0 ? [] : [$"doc-{n}#0", $"doc-{n % 7}#3"],
        Response: $"Because of Rayleigh scattering ({n}).",
        Model: "stories260K",
        Adapter: n % 2 == 0 ? null : $"domain-v{n % 5}",
        AdapterChecksum: n % 2 == 0 ? null : $"sha256:{n:x8}",
        Variant: n % 5 == 0 ? null : $"variant-{n % 3}",
        Domain: "astronomy",
        At: Start.AddMilliseconds(n * 1_001))
    {
        User = n % 3 == 0 ? null : $"user-{n % 4}",
        CitedChunkIds = n % 4 == 0 || n % 3 == 1 ? [] : [$"doc-{n}#0"],
    };

    /// <summary>Compares two feedbacks field by field, lists by content (records compare lists by reference).</summary>
    public static void AssertSame(FeedbackSubmitted expected, FeedbackSubmitted actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));
}
