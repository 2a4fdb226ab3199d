namespace DomainAssistant.Retrieval.Citations;

/// <summary>The citations of one answer.</summary>
/// <param name="Cited">Markers that name a context chunk, each once, in order of first appearance.</param>
/// <param name="Unknown">Numbers cited that were not in the context (the model made them up), each once, in order.</param>
public sealed record CitationResolution(IReadOnlyList<Citation> Cited, IReadOnlyList<int> Unknown);
