namespace DomainAssistant.Model.Generation;

/// <summary>A finished generation: the ids fed, the ids generated, their text and why it ended.</summary>
public sealed record Completion(IReadOnlyList<int> PromptTokens, IReadOnlyList<int> Tokens, string Text, FinishReason Finish);
