namespace DomainAssistant.Contracts;

/// <summary>The two ratings a user can give (the wire values of <see cref="FeedbackSubmitted.Rating"/>).</summary>
public static class FeedbackRating
{
    /// <summary>Thumbs up.</summary>
    public const string Up = "up";

    /// <summary>Thumbs down.</summary>
    public const string Down = "down";

    /// <summary>Whether <paramref name="rating"/> is exactly one of the two wire values (lower case).</summary>
    public static bool IsKnown(string? rating) => rating is Up or Down;
}
