using System.Security.Cryptography;
using System.Text.Json;
using DomainAssistant.Contracts;

namespace DomainAssistant.Feedback.Recording;

/// <summary>
/// A hash of what a feedback says and what it refers to, so a repeated id can be told apart as a retry (same
/// content) or a conflict. The time is left out: a client that retries may stamp its request anew.
/// </summary>
internal static class FeedbackFingerprint
{
    public static string Of(FeedbackSubmitted feedback)
    {
        var content = JsonSerializer.SerializeToUtf8Bytes(feedback with { At = default });
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }
}
