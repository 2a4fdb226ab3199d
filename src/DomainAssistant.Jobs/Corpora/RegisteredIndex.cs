using DomainAssistant.Retrieval.Ingestion;

namespace DomainAssistant.Jobs.Corpora;

/// <summary>
/// The <see cref="IServedIndex"/> of a host that serves no retrieval (the worker): the ingestor the retrieval library
/// registered, which embeds with its registered generator (the hashing embedder) and refuses an index built with
/// another space, such as a model's; <see cref="IngestCorpusConsumerDefinition"/> already keeps this host to one
/// ingestion at a time, so no turn is taken here.
/// </summary>
public sealed class RegisteredIndex(CorpusIngestor ingestor) : IServedIndex
{
    public Task<T> WriteAsync<T>(string domain, Func<CorpusIngestor, Task<T>> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        return write(ingestor);
    }
}
