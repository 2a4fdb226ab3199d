namespace DomainAssistant.Retrieval.Documents;

/// <summary>
/// A piece of a <see cref="SourceDocument"/> small enough to index, embed and quote in a prompt.
/// </summary>
/// <param name="Id">Stable id from domain, document id, version and ordinal (<see cref="ChunkIds.For"/>), UUID-shaped.</param>
/// <param name="DocumentId">The document it was cut from.</param>
/// <param name="Domain">The document's domain.</param>
/// <param name="Ordinal">0-based position among the document's chunks.</param>
/// <param name="Text">Exactly <c>document.Text[Start..End]</c>.</param>
/// <param name="Start">Character offset of the first character in the document text.</param>
/// <param name="End">Character offset one past the last character.</param>
/// <param name="Title">The document's title.</param>
/// <param name="SourcePath">The document's path.</param>
public sealed record Chunk(
    string Id,
    string DocumentId,
    string Domain,
    int Ordinal,
    string Text,
    int Start,
    int End,
    string Title,
    string SourcePath);
