namespace DomainAssistant.Retrieval.Ingestion;

/// <summary>Where an ingestion run stands, reported after each document.</summary>
/// <param name="DocumentsDone">Documents finished (ingested or unchanged).</param>
/// <param name="DocumentsTotal">Documents in this run.</param>
/// <param name="ChunksDone">Chunks written so far in this run.</param>
/// <param name="DocumentId">The document just finished.</param>
public sealed record IngestionProgress(int DocumentsDone, int DocumentsTotal, int ChunksDone, string DocumentId);
