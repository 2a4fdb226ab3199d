using System.Text.Json;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Tests.Support;
using MassTransit.Serialization;

namespace DomainAssistant.Feedback.Tests.Bus;

/// <summary>
/// A FeedbackSubmitted published by a release without the user and citations fields may still sit in a RabbitMQ queue
/// when the new consumer starts: read with the bus's own serializer options, it must come out whole, citing nothing.
/// </summary>
public sealed class OldMessageOnTheBusTests
{
    /// <summary>The message as the older release published it: the same positional fields, nothing else.</summary>
    sealed record OldFeedbackSubmitted(Guid FeedbackId, Guid MessageId, string Rating, string? Reason, IReadOnlyList<string> Tags, string Prompt, IReadOnlyList<string> RetrievedChunkIds, string Response, string Model, string? Adapter, string? AdapterChecksum, string? Variant, string Domain, DateTimeOffset At);

    [Fact]
    public void An_old_message_reads_with_the_bus_serializer_as_a_vote_of_an_unknown_user_citing_nothing()
    {
        var f = FeedbackSamples.Valid(7);
        var old = new OldFeedbackSubmitted(f.FeedbackId, f.MessageId, f.Rating, f.Reason, f.Tags, f.Prompt, f.RetrievedChunkIds, f.Response,
            f.Model, f.Adapter, f.AdapterChecksum, f.Variant, f.Domain, f.At);
        var json = JsonSerializer.Serialize(old, SystemTextJsonMessageSerializer.Options);

        var read = JsonSerializer.Deserialize<FeedbackSubmitted>(json, SystemTextJsonMessageSerializer.Options)!;

        FeedbackSamples.AssertSame(f with { User = null, CitedChunkIds = [] }, read);
    }

    [Fact]
    public void A_new_message_keeps_its_user_and_citations_through_the_bus_serializer()
    {
        var f = FeedbackSamples.Valid(2);
        Assert.NotNull(f.User);
        Assert.NotEmpty(f.CitedChunkIds);

        var read = JsonSerializer.Deserialize<FeedbackSubmitted>(JsonSerializer.Serialize(f, SystemTextJsonMessageSerializer.Options), SystemTextJsonMessageSerializer.Options)!;

        FeedbackSamples.AssertSame(f, read);
    }
}
