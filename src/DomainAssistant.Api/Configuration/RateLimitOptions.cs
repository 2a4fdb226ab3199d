namespace DomainAssistant.Api.Configuration;

/// <summary>
/// Rate limits (section <c>RateLimits</c>): token buckets per user and per client on requests that cost something
/// (every POST under <c>/api</c> and <c>/v1</c>), and a cap on chat answers streaming at once per user. The defaults
/// leave a person chatting untouched and stop a script's burst of hundreds.
/// </summary>
public sealed class RateLimitOptions : ISelfValidating
{
    public const string Section = "RateLimits";

    /// <summary>Requests a user may send at once before waiting for the bucket to refill. Default 60.</summary>
    public int UserBurst { get; set; } = 60;

    /// <summary>Rate at which a user's bucket refills, per minute. Default 60 (one a second).</summary>
    public int UserPerMinute { get; set; } = 60;

    /// <summary>Burst of one API key, or of one IP address without a key, over all its users. Default 600.</summary>
    public int ClientBurst { get; set; } = 600;

    /// <summary>Refill rate of a key's (or an address's) bucket, per minute. Default 600.</summary>
    public int ClientPerMinute { get; set; } = 600;

    /// <summary>Chat answers (<c>/api/chat</c>, <c>/v1/chat/completions</c>) one user may have streaming at once. Default 4.</summary>
    public int ChatStreamsPerUser { get; set; } = 4;

    public IEnumerable<string> Problems()
    {
        foreach (var (key, value) in new[] { ("UserBurst", UserBurst), ("UserPerMinute", UserPerMinute), ("ClientBurst", ClientBurst),
            ("ClientPerMinute", ClientPerMinute), ("ChatStreamsPerUser", ChatStreamsPerUser) })
        {
            if (value is < 1 or > 1_000_000) yield return $"{Section}:{key} must be between 1 and 1000000 (got {value})";
        }
    }
}
