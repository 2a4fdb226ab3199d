namespace DomainAssistant.Grounding;

/// <summary>A domain the assistant serves, as its domain.json describes it.</summary>
/// <param name="Name">The id requests use ("tidewell-support").</param>
/// <param name="DisplayName">The name people read.</param>
/// <param name="Description">What the domain covers.</param>
/// <param name="SystemPrompt">The system message every chat in this domain starts with.</param>
/// <param name="Defaults">Generation defaults.</param>
/// <param name="Folder">The domain's folder.</param>
/// <param name="CorpusFolder">Its documents (ingested into the retrieval index).</param>
/// <param name="TrainQaPath">Grounded question/answer pairs for fine-tuning, or null.</param>
/// <param name="HeldOutQaPath">Question/answer pairs kept for evaluation only (never trained on), or null.</param>
/// <param name="Decline">What the assistant answers when the context does not hold the answer (domain.json "decline", or
/// derived from the system prompt: <see cref="DeclineText.From"/>).</param>
/// <param name="Safety">What to tell users in danger (domain.json "safety": topics and instruction), or null.</param>
public sealed record DomainProfile(string Name, string DisplayName, string Description, string SystemPrompt,
    GenerationDefaults Defaults, string Folder, string CorpusFolder, string? TrainQaPath, string? HeldOutQaPath = null, string Decline = "",
    SafetyInstruction? Safety = null);

/// <summary>A domain's generation defaults (domain.json "defaults").</summary>
/// <param name="Temperature">Sampling temperature.</param>
/// <param name="MaxTokens">Longest answer in tokens.</param>
/// <param name="TopK">Chunks retrieved per question.</param>
public sealed record GenerationDefaults(float Temperature, int MaxTokens, int TopK);
