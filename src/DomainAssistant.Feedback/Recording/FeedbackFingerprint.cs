using System.Security.Cryptography;
using System.Text.Json;
using DomainAssistant.Contracts;

namespace DomainAssistant.Feedback.Recording;

/// <summary>
/// A hash of what a feedback says and what it refers to, so a repeated id can be told apart as a retry (same
/// content) or a conflict. The time is left out: a client that retries may stamp its request anew.
/// </summary>
/// <remarks>
/// A feedback without the fields added later (user, cited chunk ids) hashes exactly as before they existed, through
/// <see cref="FirstShape"/>, so the fingerprints already stored in a feedback.db stay valid for retries.
/// </remarks>
internal static class FeedbackFingerprint
{
    public static string Of(FeedbackSubmitted feedback)
    {
        var content = feedback.User is null && feedback.CitedChunkIds.Count == 0
            ? JsonSerializer.SerializeToUtf8Bytes(FirstShape.Of(feedback))
            : JsonSerializer.SerializeToUtf8Bytes(feedback with { At = default });
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }

    /// <summary>The contract's first shape, field for field and in order: what the first release hashed.</summary>
    sealed record FirstShape(Guid FeedbackId, Guid MessageId, string Rating, string? Reason, IReadOnlyList<string> Tags, string Prompt,
        IReadOnlyList<string> RetrievedChunkIds, string Response, string Model, string? Adapter, string? AdapterChecksum, string? Variant,
        string Domain, DateTimeOffset At)
    {
        public static FirstShape Of(FeedbackSubmitted f) => new(f.FeedbackId, f.MessageId, f.Rating, f.Reason, f.Tags, f.Prompt,
            f.RetrievedChunkIds, f.Response, f.Model, f.Adapter, f.AdapterChecksum, f.Variant, f.Domain, default);
    }
}
