using DomainAssistant.Contracts;
using DomainAssistant.Storage.PostgreSql;

namespace DomainAssistant.Feedback.Validation;

/// <summary>
/// What a <see cref="FeedbackSubmitted"/> must satisfy before it is stored or filed. Whether its message id names a
/// real assistant message is the caller's concern (the API checks it against the conversations).
/// </summary>
public static class FeedbackRules
{
    /// <summary>Longest reason a user may write; longer text is a client bug, not feedback.</summary>
    public const int MaxReasonLength = 4_000;

    /// <summary>Most tags one feedback may carry.</summary>
    public const int MaxTags = 32;

    /// <summary>Longest tag: tags are labels ("wrong-citation"), not a second reason.</summary>
    public const int MaxTagLength = 64;

    /// <summary>
    /// Longest user id: the host's ids are an API key's name ("key:" and the name) or an <c>X-User-Id</c> header of at
    /// most 128 characters; anything much longer is not an id the host assigned.
    /// </summary>
    public const int MaxUserLength = 256;

    /// <summary>Throws <see cref="InvalidFeedbackException"/> naming every broken rule; returns quietly otherwise.</summary>
    public static void Validate(FeedbackSubmitted feedback)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        var problems = Check(feedback);
        if (problems.Count > 0) throw new InvalidFeedbackException(feedback.FeedbackId, problems);
    }

    /// <summary>Every broken rule, in words; empty when the feedback is valid.</summary>
    public static IReadOnlyList<string> Check(FeedbackSubmitted feedback)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        var problems = new List<string>();
        if (feedback.FeedbackId == Guid.Empty) problems.Add("feedback id must not be empty");
        if (feedback.MessageId == Guid.Empty) problems.Add("message id must not be empty");
        if (!FeedbackRating.IsKnown(feedback.Rating))
            problems.Add($"rating must be \"{FeedbackRating.Up}\" or \"{FeedbackRating.Down}\" (got {Quote(feedback.Rating)})");
        if (feedback.Reason is { Length: > MaxReasonLength })
            problems.Add($"reason must be at most {MaxReasonLength} characters (got {feedback.Reason.Length})");
        CheckList(problems, "tags", feedback.Tags, MaxTags);
        if (feedback.Tags?.FirstOrDefault(t => t is { Length: > MaxTagLength }) is { } longTag)
            problems.Add($"each tag must be at most {MaxTagLength} characters (got one of {longTag.Length})");
        CheckList(problems, "retrieved chunk ids", feedback.RetrievedChunkIds, int.MaxValue);
        // Optional (older feedback has none), but when present it must be usable: blank ids cannot be traced.
        CheckList(problems, "cited chunk ids", feedback.CitedChunkIds, int.MaxValue);
        // An absent user is allowed (anonymous callers, older feedback); a present one must be a real id, since the
        // per-user cap of preference data groups by it.
        if (feedback.User is { } user && (string.IsNullOrWhiteSpace(user) || user.Length > MaxUserLength))
            problems.Add($"user must be null or a non-blank id of at most {MaxUserLength} characters (got {Quote(user.Length > 40 ? user[..40] + "..." : user)})");
        CheckText(problems, "prompt", feedback.Prompt);
        CheckText(problems, "response", feedback.Response);
        CheckText(problems, "model", feedback.Model);
        CheckText(problems, "domain", feedback.Domain);
        if (feedback.Adapter is not null && string.IsNullOrWhiteSpace(feedback.AdapterChecksum))
            problems.Add($"adapter checksum is required when an adapter ({Quote(feedback.Adapter)}) served the message");
        if (feedback.At == default) problems.Add("time of the feedback must be set");
        CheckNoNul(problems, feedback);
        return problems;
    }

    /// <summary>
    /// No text may hold what PostgreSQL's text cannot (<see cref="PostgresText"/>): in the scale-out mode such a feedback
    /// would fail every insert as if the database were down (retried for ever by the worker) instead of being refused once.
    /// </summary>
    static void CheckNoNul(List<string> problems, FeedbackSubmitted feedback)
    {
        var texts = new (string Name, string? Value)[]
        {
            ("rating", feedback.Rating), ("reason", feedback.Reason), ("prompt", feedback.Prompt), ("response", feedback.Response),
            ("model", feedback.Model), ("adapter", feedback.Adapter), ("adapter checksum", feedback.AdapterChecksum),
            ("variant", feedback.Variant), ("domain", feedback.Domain), ("user", feedback.User),
        };
        var lists = new (string Name, IReadOnlyList<string>? Items)[]
        {
            ("tags", feedback.Tags), ("retrieved chunk ids", feedback.RetrievedChunkIds), ("cited chunk ids", feedback.CitedChunkIds),
        };
        foreach (var name in texts.Where(t => PostgresText.HasNul(t.Value)).Select(t => t.Name)
                     .Concat(lists.Where(l => l.Items?.Any(PostgresText.HasNul) == true).Select(l => l.Name)))
            problems.Add($"{name} {PostgresText.NoNul}");
    }

    static void CheckText(List<string> problems, string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) problems.Add($"{name} must not be empty");
    }

    static void CheckList(List<string> problems, string name, IReadOnlyList<string>? items, int max)
    {
        if (items is null) { problems.Add($"{name} must be a list (empty when there are none)"); return; }
        if (items.Count > max) problems.Add($"{name} must hold at most {max} entries (got {items.Count})");
        if (items.Any(string.IsNullOrWhiteSpace)) problems.Add($"{name} must not contain blank entries");
    }

    static string Quote(string? value) => value is null ? "null" : $"\"{value}\"";
}
