namespace DomainAssistant.Retrieval.Documents;

/// <summary>
/// One document of a domain's corpus, as plain text, ready to be chunked and indexed.
/// </summary>
/// <param name="Id">Stable id within the domain (the corpus-relative path for files); re-ingesting the same id replaces it.</param>
/// <param name="Domain">The corpus it belongs to; every search is scoped to one domain.</param>
/// <param name="Path">Where it came from (shown in citations).</param>
/// <param name="Title">Human-readable title (shown in citations).</param>
/// <param name="Text">The plain text (Markdown kept as is; HTML already stripped).</param>
/// <param name="Version">Content version (a hash of the text for files); a new version replaces the old chunks.</param>
public sealed record SourceDocument(string Id, string Domain, string Path, string Title, string Text, string Version);
