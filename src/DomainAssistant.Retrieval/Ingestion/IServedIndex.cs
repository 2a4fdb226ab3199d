namespace DomainAssistant.Retrieval.Ingestion;

/// <summary>
/// The retrieval index as a job that writes it reaches it, implemented by whichever host runs the job: the API hands
/// out the ingestor of the embedding space it serves now (the model's pooled states or the hashing embedder) and keeps
/// a domain to one write at a time, none while it moves the index to another space; a worker, which serves nothing,
/// hands out its registered ingestor. The index itself is files under the shared data folder (SQLite and vector
/// files) or a Qdrant server, so either host writes the same index.
/// </summary>
public interface IServedIndex
{
    /// <summary>Runs <paramref name="write"/> with the ingestor to write <paramref name="domain"/>'s documents with, as that domain's only write in this host.</summary>
    /// <typeparam name="T">What the write returns.</typeparam>
    /// <param name="domain">The domain written.</param>
    /// <param name="write">The write; the ingestor refuses an index of another embedding space than its own.</param>
    /// <param name="cancellationToken">Stops waiting for the domain's turn.</param>
    Task<T> WriteAsync<T>(string domain, Func<CorpusIngestor, Task<T>> write, CancellationToken cancellationToken);
}
