namespace DomainAssistant.Retrieval.Ingestion;

/// <summary>What an ingestion run did.</summary>
/// <param name="DocumentsIngested">Documents new or changed, now (re)indexed.</param>
/// <param name="DocumentsUnchanged">Documents already indexed at this version with these settings: skipped.</param>
/// <param name="DocumentsRemoved">Documents removed because they are no longer in the corpus folder.</param>
/// <param name="ChunksWritten">Chunks written to both indexes.</param>
public sealed record IngestionReport(int DocumentsIngested, int DocumentsUnchanged, int DocumentsRemoved, int ChunksWritten);
