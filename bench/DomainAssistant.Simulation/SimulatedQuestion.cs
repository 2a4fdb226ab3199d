namespace DomainAssistant.Simulation;

/// <summary>A question a simulated user asks, with what its hidden preference checks the answer against.</summary>
/// <param name="Text">Asked as a user would.</param>
/// <param name="Reference">The answer the corpus gives (its key facts decide correctness).</param>
/// <param name="GoldDocument">File name of the corpus document the answer comes from (e.g. <c>0004-cell-10-specifications.md</c>).</param>
public sealed record SimulatedQuestion(string Text, string Reference, string GoldDocument);
