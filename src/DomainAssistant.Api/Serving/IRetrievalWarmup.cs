namespace DomainAssistant.Api.Serving;

/// <summary>
/// The retrieval index as the model's bootstrap needs it: grounded examples are laid out with retrieval before any
/// model exists, so the bootstrap asks the index to finish without waiting for a model's embeddings.
/// </summary>
public interface IRetrievalWarmup
{
    /// <summary>Completes once retrieval is ready without the model; the index stops waiting for the model.</summary>
    Task WhenReadyWithoutModelAsync(CancellationToken cancellationToken);
}
