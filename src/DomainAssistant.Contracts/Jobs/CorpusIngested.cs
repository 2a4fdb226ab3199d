namespace DomainAssistant.Contracts;

/// <summary>An ingestion (<see cref="IngestCorpus"/>) brought the domain's index to its corpus: what it did.</summary>
/// <param name="JobId">The run.</param>
/// <param name="Domain">The domain.</param>
/// <param name="DocumentsIngested">Documents new or changed, now (re)indexed.</param>
/// <param name="DocumentsUnchanged">Documents already indexed as they are: skipped.</param>
/// <param name="DocumentsRemoved">Documents no longer in the corpus, removed from the index.</param>
/// <param name="ChunksWritten">Chunks written to both indexes.</param>
public sealed record CorpusIngested(Guid JobId, string Domain, int DocumentsIngested, int DocumentsUnchanged, int DocumentsRemoved, int ChunksWritten);
