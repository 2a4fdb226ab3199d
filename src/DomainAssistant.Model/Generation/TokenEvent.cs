namespace DomainAssistant.Model.Generation;

/// <summary>A generated token, or (with <see cref="Finish"/> set and no token) the end of the sequence.</summary>
public readonly record struct TokenEvent(int? Token, FinishReason? Finish)
{
    public static TokenEvent Of(int token) => new(token, null);
    public static TokenEvent End(FinishReason reason) => new(null, reason);
}
