using DomainAssistant.Grounding;

namespace DomainAssistant.Evaluation.Gates;

/// <summary>A case as it was put to one variant and what came back.</summary>
/// <param name="Case">The suite case.</param>
/// <param name="Prompt">The composed prompt, or null when the question did not fit (<see cref="Refusal"/>).</param>
/// <param name="Refusal">The clear error the pipeline gave instead of a prompt (a question too long for the context).</param>
/// <param name="Text">The answer's text ("" when refused).</param>
/// <param name="PromptTokens">The prompt's token ids as fed to the model.</param>
/// <param name="Tokens">The answer's token ids, as generated.</param>
/// <param name="RetrievedDocuments">Documents of the retrieved chunks (before the composer kept what fits), best first.</param>
public sealed record CaseAnswer(SuiteCase Case, ComposedPrompt? Prompt, string? Refusal, string Text, IReadOnlyList<int> PromptTokens, IReadOnlyList<int> Tokens, IReadOnlyList<string> RetrievedDocuments);
